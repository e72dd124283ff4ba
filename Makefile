# The two set-up commands of the README:
#   make demo   installs dependencies, builds, creates ./minsheng.db from the
#               embedded data and prints the 2022 year-end report and bulletin
#   make test   installs dependencies, builds under ASan+UBSan with warnings
#               as errors, and runs every test
JOBS ?= 2

.PHONY: all deps build demo test fuzz bench clean

all: build

deps:
	bash scripts/install-deps

build: deps
	cmake -S . -B build -DCMAKE_BUILD_TYPE=Release
	cmake --build build -j $(JOBS)

demo: build
	rm -f minsheng.db minsheng.db-wal minsheng.db-shm minsheng.db.key
	./build/minsheng demo --db ./minsheng.db

test: deps
	cmake -S . -B build-test -DCMAKE_BUILD_TYPE=Debug -DMINSHENG_SANITIZE=ON -DMINSHENG_WERROR=ON
	cmake --build build-test -j $(JOBS)
	cd build-test && ctest --output-on-failure -j $(JOBS)

fuzz: deps
	CC=clang cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O2 -g" -DMINSHENG_SANITIZE=ON -DMINSHENG_FUZZ=ON
	cmake --build build-fuzz -j $(JOBS)

bench: build
	bash bench/run-all

clean:
	rm -rf build build-test build-fuzz
