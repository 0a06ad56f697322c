// placeholder until the history stage lands
