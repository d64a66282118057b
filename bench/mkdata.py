"""mkdata.py: the bench's compressible file: SIZE bytes, three MiB in four
of text (words drawn with Zipf-like weights, in lines of 6 to 14 words),
the fourth os.urandom, the same for every run but the random MiBs.
Written through python's gzip at level 6 (gzip -6) into GZ, and plain
into PLAIN unless it is "-".
    python3 bench/mkdata.py PLAIN GZ SIZE"""

import gzip
import itertools
import os
import random
import sys

plain, out, size = sys.argv[1], sys.argv[2], int(sys.argv[3])
rnd = random.Random(16)
letters = "etaoinshrdlcumwfgypbvkjxqz"
words = ["".join(rnd.choice(letters[:rnd.randint(8, 26)])
    for _ in range(rnd.randint(1, 10))) for _ in range(5000)]
cum = list(itertools.accumulate(1.0 / (i + 1) for i in range(len(words))))
mib = 1 << 20
p = open(plain, "wb") if plain != "-" else None
with gzip.open(out, "wb", compresslevel=6) as f:
    for i in range(size // mib):
        if i % 4 == 3:
            b = os.urandom(mib)
        else:
            w = rnd.choices(words, cum_weights=cum, k=mib // 5)
            buf, n, j = [], 0, 0
            while n < mib:
                k = rnd.randint(6, 14)
                line = " ".join(w[j:j + k]).capitalize() + ".\n"
                j = (j + k) % (len(w) - 14)
                buf.append(line)
                n += len(line)
            b = "".join(buf).encode()[:mib]
        if p is not None:
            p.write(b)
        f.write(b)
if p is not None:
    p.close()
