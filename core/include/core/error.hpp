// The engine reports errors in the project's shared vocabulary (base/error.hpp).
#pragma once

#include "base/error.hpp"
