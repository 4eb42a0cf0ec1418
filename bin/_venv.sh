# Sourced by bin/start, bin/test and .ci/run, from the project's root: the virtual environment.
# Creates .venv with Python 3.11 or newer when it is missing or broken, and runs
# `pip install -e '.[test]'` only when pyproject.toml (or the Python) changed since the last install.

juece_find_python() {
    local candidate
    for candidate in "${PYTHON:-}" python3 python3.13 python3.12 python3.11; do
        [ -n "$candidate" ] && command -v "$candidate" >/dev/null 2>&1 || continue
        if "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
            echo "$candidate"
            return 0
        fi
    done
    echo "Python 3.11 or newer is needed: install it, or set PYTHON=/path/to/python3.11" >&2
    return 1
}

juece_venv() {
    local python stamp wanted
    if ! .venv/bin/python -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
        python=$(juece_find_python) || return 1
        echo "Creating the virtual environment .venv with $("$python" --version)"
        rm -rf .venv
        "$python" -m venv .venv || return 1
    fi
    stamp=.venv/.juece-installed
    wanted="$(.venv/bin/python --version) $(sha256sum pyproject.toml | cut -d' ' -f1)"
    if [ "$(cat "$stamp" 2>/dev/null)" != "$wanted" ]; then
        echo "Installing the project and its test tools into .venv (pip install -e '.[test]')"
        .venv/bin/python -m pip install -qq --disable-pip-version-check -e '.[test]' \
            || return 1
        echo "$wanted" >"$stamp"
    fi
    export VIRTUAL_ENV="$PWD/.venv"
    export PATH="$VIRTUAL_ENV/bin:$PATH"
}
