# The version comes from project(); the git revision is read at configure time so that a
# build from a tarball (no .git) still works and says "unknown".
find_package(Git QUIET)
set(FERRY_GIT_REVISION "unknown")
if(GIT_FOUND AND EXISTS ${PROJECT_SOURCE_DIR}/.git)
  execute_process(COMMAND ${GIT_EXECUTABLE} rev-parse --short=12 HEAD
                  WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}
                  OUTPUT_VARIABLE _rev OUTPUT_STRIP_TRAILING_WHITESPACE
                  RESULT_VARIABLE _rc ERROR_QUIET)
  if(_rc EQUAL 0 AND _rev)
    set(FERRY_GIT_REVISION ${_rev})
  endif()
endif()
configure_file(${PROJECT_SOURCE_DIR}/common/version/version_info.cpp.in
               ${PROJECT_BINARY_DIR}/generated/version_info.cpp @ONLY)
