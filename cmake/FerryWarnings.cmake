# Our own targets compile with these; third-party headers come in as SYSTEM includes.
set(FERRY_WARNINGS -Wall -Wextra -Werror -Wno-missing-field-initializers)

# ferry_target(<target>): the flags every Ferry target gets.
function(ferry_target target)
  target_compile_options(${target} PRIVATE ${FERRY_WARNINGS})
  target_include_directories(${target} PUBLIC ${PROJECT_SOURCE_DIR} ${PROJECT_BINARY_DIR}/generated)
endfunction()
