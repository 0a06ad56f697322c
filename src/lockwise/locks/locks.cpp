// placeholder until the locks stage lands
