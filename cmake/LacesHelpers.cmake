# laces_add_test(NAME name SOURCES a.cpp ... LIBS lib ... [LABELS l ...] [GUI] [TIMEOUT s])
# Adds one Qt Test executable and registers it with CTest. GUI tests run on the
# offscreen platform; tests that render are wrapped in xvfb-run by their LABELS (render).
function(laces_add_test)
    cmake_parse_arguments(T "GUI" "NAME;TIMEOUT" "SOURCES;LIBS;LABELS" ${ARGN})
    qt_add_executable(tst_${T_NAME} ${T_SOURCES})
    target_link_libraries(tst_${T_NAME} PRIVATE Qt6::Test ${T_LIBS})
    target_include_directories(tst_${T_NAME} PRIVATE ${PROJECT_SOURCE_DIR}/tests/common)
    target_compile_definitions(tst_${T_NAME} PRIVATE
        LACES_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
        LACES_SHARED_DATA_DIR="${PROJECT_SOURCE_DIR}/../shared/data")
    set_target_properties(tst_${T_NAME} PROPERTIES RUNTIME_OUTPUT_DIRECTORY "${PROJECT_BINARY_DIR}/tests")
    add_test(NAME ${T_NAME} COMMAND tst_${T_NAME})
    if(NOT T_TIMEOUT)
        set(T_TIMEOUT 300)
    endif()
    set(env "QT_LOGGING_RULES=*.debug=false")
    if(T_GUI)
        list(APPEND env "QT_QPA_PLATFORM=offscreen")
    endif()
    set_tests_properties(${T_NAME} PROPERTIES TIMEOUT ${T_TIMEOUT} ENVIRONMENT "${env}"
                         LABELS "${T_LABELS}")
endfunction()
