# dw_add_test(NAME name SOURCES a.c b.c LIBS lib... LABELS unit|integration|e2e)
# Adds one cmocka program and registers it with ctest under its labels.
# Integration and e2e tests read DW_TEST_DB_URL and DW_SIM_BIN from the
# environment; scripts/test exports them.
function(dw_add_test)
    cmake_parse_arguments(T "" "NAME" "SOURCES;LIBS;LABELS" ${ARGN})
    add_executable(${T_NAME} ${T_SOURCES})
    target_link_libraries(${T_NAME} PRIVATE ${T_LIBS} PkgConfig::CMOCKA)
    target_compile_definitions(${T_NAME} PRIVATE
        DW_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
        DW_BINARY_DIR="${PROJECT_BINARY_DIR}")
    add_test(NAME ${T_NAME} COMMAND ${T_NAME})
    set_tests_properties(${T_NAME} PROPERTIES LABELS "${T_LABELS}"
        ENVIRONMENT "CMOCKA_MESSAGE_OUTPUT=stdout")
endfunction()
