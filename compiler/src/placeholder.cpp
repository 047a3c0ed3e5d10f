int tally_compiler_placeholder = 0;
