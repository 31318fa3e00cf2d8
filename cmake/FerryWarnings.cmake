# Our own targets compile with these; third-party headers come in as SYSTEM includes.
set(FERRY_WARNINGS -Wall -Wextra -Werror -Wno-missing-field-initializers)
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  # GCC 12 at -O3 (Release) reports a false -Wrestrict inside libstdc++ for
  # `"literal" + std::string` (GCC bug 105329); -Werror would fail every release build.
  list(APPEND FERRY_WARNINGS -Wno-restrict)
endif()

# ferry_target(<target>): the flags every Ferry target gets.
function(ferry_target target)
  target_compile_options(${target} PRIVATE ${FERRY_WARNINGS})
  target_include_directories(${target} PUBLIC ${PROJECT_SOURCE_DIR} ${PROJECT_BINARY_DIR}/generated)
endfunction()
