// placeholder until the lint stage lands
