# Writes IN (web/dashboard.html) into OUT as the body of dashboard_html().
file(READ ${IN} content)
set(delim "KAGENT_HTML")
file(WRITE ${OUT} "// generated from ${IN}; do not edit\n#include \"http/dashboard.hpp\"\nnamespace kagent::http {\nconst std::string& dashboard_html() {\n  static const std::string html = R\"${delim}(${content})${delim}\";\n  return html;\n}\n}\n")
