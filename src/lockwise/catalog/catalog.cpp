// placeholder until the catalog stage lands
