// placeholder until the report stage lands
