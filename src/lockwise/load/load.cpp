// placeholder until the load stage lands
