# Shared build settings: warnings, host header-only dependencies under
# Emscripten, margin_add_executable() for tools that run natively and in
# WebAssembly alike, margin_add_library() for the engine's libraries and
# margin_install() for their install rules and CMake package.

set(MARGIN_WASM OFF)
if(EMSCRIPTEN)
  set(MARGIN_WASM ON)
endif()

option(MARGIN_PCH "Precompile the host headers of targets with four or more sources" ON)
add_library(margin_warnings INTERFACE)
target_compile_options(margin_warnings INTERFACE -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor)
# GCC 12 reports a false -Wrestrict inside libstdc++'s std::string (GCC PR105651), and
# with precompiled headers also false -Wstringop-overflow and -Warray-bounds in its
# operator+ (bounds from an unreachable negative length; same family). The Clang builds
# keep their own bounds warnings, and the ASan build checks bounds at run time.
target_compile_options(margin_warnings INTERFACE $<$<CXX_COMPILER_ID:GNU>:-Wno-restrict>
  $<$<AND:$<CXX_COMPILER_ID:GNU>,$<BOOL:${MARGIN_PCH}>>:-Wno-stringop-overflow -Wno-array-bounds>)
if(MARGIN_WERROR)
  target_compile_options(margin_warnings INTERFACE -Werror)
endif()

# Header-only host libraries, one target each so that a room links only what it uses:
# margin_boost_headers (Boost.Multiprecision), margin_json_headers (nlohmann/json), and
# margin_host_headers (both, and Catch2 v2: tests and tools).
add_library(margin_boost_headers INTERFACE)
add_library(margin_json_headers INTERFACE)
add_library(margin_host_headers INTERFACE)
target_link_libraries(margin_host_headers INTERFACE margin_boost_headers margin_json_headers)
if(MARGIN_WASM)
  # Under emcmake find_package() sees nothing, and -I/usr/include would shadow the wasm
  # sysroot's libc. Folders of symlinks expose just these, one folder per target.
  foreach(_pair boost:boost json:nlohmann test:catch2)
    string(REPLACE ":" ";" _pair "${_pair}")
    list(GET _pair 0 _sub)
    list(GET _pair 1 _d)
    set(_inc "${CMAKE_BINARY_DIR}/host-include/${_sub}")
    file(MAKE_DIRECTORY "${_inc}")
    if(NOT EXISTS "${_inc}/${_d}")
      file(CREATE_LINK "/usr/include/${_d}" "${_inc}/${_d}" SYMBOLIC)
    endif()
  endforeach()
  target_include_directories(margin_boost_headers SYSTEM INTERFACE "${CMAKE_BINARY_DIR}/host-include/boost")
  target_include_directories(margin_json_headers SYSTEM INTERFACE "${CMAKE_BINARY_DIR}/host-include/json")
  target_include_directories(margin_host_headers SYSTEM INTERFACE "${CMAKE_BINARY_DIR}/host-include/test")
else()
  find_package(Boost 1.74 REQUIRED)
  find_package(nlohmann_json 3.11 REQUIRED)
  target_link_libraries(margin_boost_headers INTERFACE Boost::headers)
  target_link_libraries(margin_json_headers INTERFACE nlohmann_json::nlohmann_json)
endif()

# Precompiled headers (MARGIN_PCH, ON by default): a target of four or more sources
# parses the heavy host headers once instead of once per source. Boost.Multiprecision
# (fixedpoint's i256.hpp) reaches every file of the engine; nlohmann/json every file of a
# target that links it; Catch2 every test file. They change no generated code. Include
# hygiene is still checked without them: the install step's consumer project compiles
# the public headers on their own.
function(_margin_pch target)
  cmake_parse_arguments(ARG "JSON;CATCH" "" "SOURCES" ${ARGN})
  list(LENGTH ARG_SOURCES _n)
  if(NOT MARGIN_PCH OR _n LESS 4)
    return()
  endif()
  set(_h <boost/multiprecision/cpp_int.hpp>)
  if(ARG_JSON)
    list(APPEND _h <nlohmann/json.hpp>)
  endif()
  if(ARG_CATCH)
    list(APPEND _h <catch2/catch.hpp>)
  endif()
  target_precompile_headers(${target} PRIVATE ${_h})
endfunction()

# An executable that also runs as WebAssembly under Node (files through NODERAWFS).
# EXCEPTIONS: compile and link with -fexceptions under Emscripten (Catch2 needs it).
function(margin_add_executable name)
  cmake_parse_arguments(ARG "EXCEPTIONS" "" "SOURCES;LIBRARIES" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  # Tools and tests may use any host header (Catch2, nlohmann/json, Boost): the libraries
  # they link carry only what each library uses itself.
  target_link_libraries(${name} PRIVATE ${ARG_LIBRARIES} margin_host_headers margin_warnings)
  set_target_properties(${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY "${CMAKE_BINARY_DIR}/bin")
  if(ARG_EXCEPTIONS)
    _margin_pch(${name} JSON CATCH SOURCES ${ARG_SOURCES})  # Catch2 tests
  else()
    _margin_pch(${name} JSON SOURCES ${ARG_SOURCES})
  endif()
  if(MARGIN_WASM)
    target_link_options(${name} PRIVATE -sNODERAWFS=1 -sALLOW_MEMORY_GROWTH=1
                        -sWASM_ASYNC_COMPILATION=0 -sEXIT_RUNTIME=1)
    if(ARG_EXCEPTIONS)
      target_compile_options(${name} PRIVATE -fexceptions)
      target_link_options(${name} PRIVATE -fexceptions)
    endif()
  endif()
endfunction()

# A library of the engine: target margin_<name>, alias margin::<name>, exported
# as margin::<name> (EXPORT_NAME <name>). Its public headers are the folder's
# include/ (installed to <prefix>/include); PUBLIC and PRIVATE are what it links.
# Headers generated into the build tree are the caller's to add, with
#   target_include_directories(margin_<name> PUBLIC $<BUILD_INTERFACE:dir>)
# margin_install() installs each such folder's headers beside include/'s.
#   margin_add_library(core SOURCES src/a.cpp ... PUBLIC margin::fixedpoint PRIVATE ...)
function(margin_add_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;PUBLIC;PRIVATE" ${ARGN})
  if(ARG_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "margin_add_library(${name}): unexpected arguments ${ARG_UNPARSED_ARGUMENTS}")
  endif()
  set(_t margin_${name})
  add_library(${_t} ${ARG_SOURCES})
  add_library(margin::${name} ALIAS ${_t})
  set_target_properties(${_t} PROPERTIES EXPORT_NAME ${name})
  target_include_directories(${_t} PUBLIC
    $<BUILD_INTERFACE:${CMAKE_CURRENT_SOURCE_DIR}/include> $<INSTALL_INTERFACE:include>)
  if(EXISTS ${CMAKE_CURRENT_SOURCE_DIR}/src)
    target_include_directories(${_t} PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/src)  # the details
  endif()
  target_link_libraries(${_t} PUBLIC ${ARG_PUBLIC} PRIVATE ${ARG_PRIVATE} $<BUILD_INTERFACE:margin_warnings>)
  if("margin_json_headers" IN_LIST ARG_PUBLIC OR "margin_json_headers" IN_LIST ARG_PRIVATE)
    _margin_pch(${_t} JSON SOURCES ${ARG_SOURCES})
  else()
    _margin_pch(${_t} SOURCES ${ARG_SOURCES})
  endif()
  set_property(GLOBAL APPEND PROPERTY MARGIN_LIBRARIES ${_t})
endfunction()

# Install rules, called once at the end of the top-level CMakeLists.txt: every
# library of margin_add_library() (lib/), its public headers (include/), and a
# CMake package in lib/cmake/margin, so that a project built against the
# install prefix writes
#   find_package(margin CONFIG REQUIRED)   # optionally COMPONENTS core abi chain
#   target_link_libraries(app PRIVATE margin::core)
# Not under Emscripten: the WebAssembly build ships as the npm package (wasm/),
# and its header targets point into the build tree.
function(margin_install)
  if(MARGIN_WASM)
    message(STATUS "margin: no install rules under Emscripten (the WebAssembly build ships as wasm/'s npm package)")
    return()
  endif()
  include(CMakePackageConfigHelpers)
  get_property(_libs GLOBAL PROPERTY MARGIN_LIBRARIES)

  # The host header-only libraries: margin::boost_headers, margin::json_headers.
  set_target_properties(margin_boost_headers PROPERTIES EXPORT_NAME boost_headers)
  set_target_properties(margin_json_headers PROPERTIES EXPORT_NAME json_headers)
  install(TARGETS ${_libs} margin_boost_headers margin_json_headers EXPORT marginTargets
    ARCHIVE DESTINATION lib
    LIBRARY DESTINATION lib
    RUNTIME DESTINATION bin)

  # Public headers: every build-tree folder among the libraries' interface
  # include directories (each one's include/, and generated ones such as core's).
  set(_dirs "")
  foreach(_t IN LISTS _libs)
    get_target_property(_incs ${_t} INTERFACE_INCLUDE_DIRECTORIES)
    foreach(_i IN LISTS _incs)
      if(_i MATCHES "^\\$<BUILD_INTERFACE:(.+)>$")
        list(APPEND _dirs "${CMAKE_MATCH_1}")
      endif()
    endforeach()
  endforeach()
  list(REMOVE_DUPLICATES _dirs)
  foreach(_d IN LISTS _dirs)
    install(DIRECTORY "${_d}/" DESTINATION include FILES_MATCHING PATTERN "*.hpp" PATTERN "*.h")
  endforeach()

  set(_cmake_dir lib/cmake/margin)
  install(EXPORT marginTargets NAMESPACE margin:: DESTINATION ${_cmake_dir})
  # Dependencies the config file finds before it loads the targets.
  set(MARGIN_CONFIG_FIND_CURL OFF)
  if(margin_chain IN_LIST _libs)
    set(MARGIN_CONFIG_FIND_CURL ON)
  endif()
  configure_package_config_file("${PROJECT_SOURCE_DIR}/cmake/marginConfig.cmake.in"
    "${PROJECT_BINARY_DIR}/marginConfig.cmake" INSTALL_DESTINATION ${_cmake_dir})
  write_basic_package_version_file("${PROJECT_BINARY_DIR}/marginConfigVersion.cmake"
    VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
  install(FILES "${PROJECT_BINARY_DIR}/marginConfig.cmake" "${PROJECT_BINARY_DIR}/marginConfigVersion.cmake"
    DESTINATION ${_cmake_dir})
endfunction()
