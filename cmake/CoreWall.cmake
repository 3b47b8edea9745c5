# The wall around shadowdiff_core (ARCHITECTURE.md): the pure core may link RapidJSON,
# yaml-cpp and zlib, and nothing that does I/O or threads. Configuration fails if a
# forbidden library is linked; tests/core_wall_test.sh also checks the sources' includes.
function(shadowdiff_check_core_wall target)
  set(forbidden "Boost|boost|asio|beast|pq|prometheus|Threads|pthread|ssl|crypto")
  foreach(prop LINK_LIBRARIES INTERFACE_LINK_LIBRARIES)
    get_target_property(libs ${target} ${prop})
    if(libs)
      foreach(lib IN LISTS libs)
        if(lib MATCHES "${forbidden}")
          message(FATAL_ERROR "${target} must not link '${lib}': the core is pure "
                              "(ARCHITECTURE.md). Put I/O code in shadowdiff_io.")
        endif()
      endforeach()
    endif()
  endforeach()
endfunction()
