// placeholder until the run stage lands
