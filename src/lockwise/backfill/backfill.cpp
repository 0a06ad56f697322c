// placeholder until the backfill stage lands
