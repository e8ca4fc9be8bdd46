"""Print the temporary folder `make serve` gives MkDocs for the preview's throwaway site: the
one TMPDIR names if it is set (the officer chose it), else a folder in memory with room
(strategy_site.preview.memory_folder), else nothing (the system's own)."""

import os

from strategy_site.preview import memory_folder

if __name__ == "__main__":
    print(os.environ.get("TMPDIR") or memory_folder() or "")
