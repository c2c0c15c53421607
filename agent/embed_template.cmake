# Writes IN (a text file) into OUT as a C++ string constant.
file(READ ${IN} content)
set(delim "KAGENT_TEMPLATE")
file(WRITE ${OUT} "// generated from ${IN}; do not edit\n#include <string>\nnamespace kagent::agent {\nextern const char* const solution_template = R\"${delim}(${content})${delim}\";\n}\n")
