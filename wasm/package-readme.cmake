# Writes the package's README (cmake -DIN=wasm/README.md -DOUT=npm/README.md -P this file):
# links into the repository's docs/ ("../docs/X.md") become links into the package's own
# docs/ folder, where the build copies the files the README links (wasm/CMakeLists.txt).
file(READ "${IN}" _text)
string(REPLACE "](../docs/" "](docs/" _text "${_text}")
file(WRITE "${OUT}" "${_text}")
