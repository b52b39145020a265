# cmake -DTS_FILES="a.ts;b.ts" -P CheckTranslations.cmake
# Fails when a translation file has untranslated or vanished messages.
foreach(file IN LISTS TS_FILES)
    file(READ "${file}" content)
    string(REGEX MATCHALL "type=\"(unfinished|vanished|obsolete)\"" open "${content}")
    list(LENGTH open count)
    if(count GREATER 0)
        message(FATAL_ERROR "${file}: ${count} message(s) not translated; run lupdate and translate them")
    endif()
    string(REGEX MATCHALL "<message" messages "${content}")
    list(LENGTH messages total)
    message(STATUS "${file}: all ${total} messages translated")
endforeach()
