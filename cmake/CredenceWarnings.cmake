# The one place warnings are set. Every Credence target links credence_warnings; -Werror comes from CREDENCE_WERROR
# (the CI and test presets turn it on).
add_library(credence_warnings INTERFACE)
target_compile_options(credence_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion -Wnon-virtual-dtor -Wold-style-cast
  -Wcast-align -Woverloaded-virtual -Wimplicit-fallthrough -Wformat=2)
if(CREDENCE_WERROR)
  target_compile_options(credence_warnings INTERFACE -Werror)
endif()
