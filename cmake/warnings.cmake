# Warnings as errors for our own targets only; third-party headers are included
# as system headers by their imported targets and stay quiet.
function(ug_set_warnings target)
  target_compile_options(${target} PRIVATE
    -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast
    -Wcast-align -Wunused -Woverloaded-virtual
    -Wimplicit-fallthrough -Werror)
endfunction()
