// The backfill stage's public surface: parse and validate a backfill directive
// (spec.hpp), then run it batch by batch (engine.hpp).
#pragma once

#include "lockwise/backfill/engine.hpp"
#include "lockwise/backfill/spec.hpp"
