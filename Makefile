# lmis: the two commands a newcomer needs are `make demo` and `make check`.
PORT ?= 8080
BIND ?= 127.0.0.1

.PHONY: demo check build build-asan fuzz bench clean pot

demo: build
	scripts/demo.sh demo.db
	@echo "lmis is starting on http://$(BIND):$(PORT)/ (log in with the administrator above; Ctrl-C stops it)"
	build/lmis serve --db demo.db --port $(PORT) --bind $(BIND)

build:
	@scripts/deps.sh build
	@[ -f build/build.ninja ] || meson setup build --buildtype=release
	ninja -C build lmis

build-asan:
	@scripts/deps.sh test
	@[ -f build-asan/build.ninja ] || meson setup build-asan -Db_sanitize=address,undefined -Db_lundef=false
	ninja -C build-asan

check: build build-asan
	scripts/check.sh

fuzz:
	@scripts/deps.sh test
	@[ -f build-fuzz/build.ninja ] || CC=clang meson setup build-fuzz -Dfuzz=true -Db_sanitize=address,undefined -Db_lundef=false -Dtests=disabled
	ninja -C build-fuzz
	FUZZ_SECONDS=$${FUZZ_SECONDS:-60} scripts/fuzz.sh

bench: build
	bench/run.sh

pot:
	xgettext --keyword=T:2 --keyword=N_ --keyword=req_t:2 --from-code=UTF-8 --add-comments=TRANSLATORS: \
	  --package-name=lmis --package-version=0.1.0 -o po/lmis.pot src/*.c
	for l in fr es; do msgmerge -q --update --backup=none --no-fuzzy-matching po/$$l.po po/lmis.pot; done

clean:
	rm -rf build build-asan build-fuzz
