// lockwise: the binary only hands argv to the CLI library the tests link too.
#include "lockwise/cli/app.hpp"

int main(int argc, char** argv) { return lockwise::cli::run(argc, argv); }
