// placeholder until the sql stage lands
