#!/usr/bin/env python3
"""Whole-process comparison of pixform against peer image tools; writes BENCHMARKS.md.

    python3 bench/compare.py [--runs N] [--photos a,b] [--tasks thumb300,webp1200,crop300]
                             [--out BENCHMARKS.md] [--pixform PATH] [--raw FILE] [--keep DIR]

For each photo of ../shared/corpus/photos and each task it runs
`../shared/bench/peers.sh -P -n RUNS -w WARMUP -j ... -k ... INPUT TASK` (process mode:
every peer is timed as a whole process), times pixform's release CLI as a whole process
with `hyperfine -N`, measures each tool's peak RSS once under `/usr/bin/time -f %M`, and
scores every output's SSIM against a float reference resize (see SSIM_METHOD). For WebP
tasks pixform also encodes at other qualities (untimed) so that its quality can be compared
with each peer's at equal image bytes (`equal_bytes_section`).

Python 3 standard library only. The image maths runs in the peers venv's Python (Pillow):
this same file is re-run there as `compare.py --helper ...`, which imports PIL lazily.
Build pixform first: `cargo build --release --example pixform`.
"""

import argparse
import datetime
import glob
import json
import math
import os
import platform
import re
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
CRATE = os.path.dirname(HERE)

# task -> (pixform transformation, box W, box H, crop, output format, peers.sh task spec)
TASKS = {
    "thumb300": ("w-300,h-300,c-at_max,q-80,f-jpg", 300, 300, False, "jpeg", "300x300:jpeg:80"),
    "webp1200": ("w-1200,q-80,f-webp", 1200, 0, False, "webp", "1200x:webp:80"),
    "crop300": ("w-300,h-300,q-80,f-jpg", 300, 300, True, "jpeg", "300x300^:jpeg:80"),
}
TASK_TEXT = {
    "thumb300": "fit inside 300×300, JPEG q80",
    "webp1200": "1200 px wide (height by aspect), WebP q80",
    "crop300": "fill 300×300 and centre-crop, JPEG q80",
}
FLOOR = "djpeg-1/8"
# Extra WebP qualities pixform encodes (untimed) for the equal-size comparison; extended
# downwards or upwards per photo until they bracket every peer's image bytes.
RD_QUALITIES = (74, 77, 83, 86)
PIXFORM = "pixform"
QUALITY = 80

SSIM_METHOD = """\
SSIM is computed on luma against a float reference, with Pillow in the peers venv (no
numpy there, so the window statistics come from `Image.reduce` on float images):
- **reference**: the input decoded by Pillow at full size, EXIF orientation applied; luma
  `Y = 0.299 R + 0.587 G + 0.114 B` in float32 (alpha flattened onto white first); resized
  with LANCZOS in Pillow's float mode `F` straight to *each output's own dimensions*. For
  crop300 the resize reads only the centred source region that covers the 300×300 box
  (Pillow's `box=` in float source coordinates): an ideal fill + centre crop. Tools crop
  whole pixels after rounding the resized size, so a crop may sit up to half an output pixel
  off that ideal centre, which on fine texture (elephants: canvas weave) costs up to 0.1 SSIM;
  crops are therefore scored at the best of the reference shifted by −½, 0, +½ output pixel
  along each axis (where the box stays inside the picture). Luma and the
  resize are both linear, so resizing Y equals taking the luma of a float RGB resize.
  Everything is in gamma-encoded sRGB, as every tool here resizes.
- **output**: decoded by Pillow, alpha flattened the same way, same float luma.
- **alpha input** (gulp): the tools flatten transparent pixels differently for JPEG (pixform
  and ImageMagick onto white, libvips/sharp onto black, Pillow's runner drops alpha and keeps
  the hidden colours), so both a white- and a black-flattened reference are scored and the
  better one is kept; "(black)" marks a score against black.
- **score**: x264-style SSIM: unweighted 8×8 windows on a stride-4 grid,
  C1 = (0.01·255)², C2 = (0.03·255)², mean over all windows. 1.0 = identical to the
  reference. It measures resampling + encoding fidelity together; differences in the 3rd
  decimal are real but small. A tool that drops alpha (showing the colours stored under
  transparent pixels) scores low on gulp: that is what its output looks like.
- djpeg-1/8 writes an unresized 1/8-scale PPM and gets no score."""


# ------------------------------------------------------------------ helper (peers venv)
def helper_probe(path):
    from PIL import Image

    im = Image.open(path)
    o = im.getexif().get(0x0112, 1)
    return {"w": im.width, "h": im.height, "orientation": o if o in range(1, 9) else 1,
            "format": (im.format or "").lower()}


def helper_has_alpha(im):
    return im.mode in ("RGBA", "LA", "PA") or (im.mode == "P" and "transparency" in im.info)


def helper_luma(im, bg=255.0):
    """Float luma, alpha flattened onto grey level `bg`."""
    from PIL import ImageMath

    if helper_has_alpha(im):
        r, g, b, a = (c.convert("F") for c in im.convert("RGBA").split())
    else:
        r, g, b = (c.convert("F") for c in im.convert("RGB").split())
        a = None
    y = ImageMath.lambda_eval(lambda d: d["r"] * 0.299 + d["g"] * 0.587 + d["b"] * 0.114,
                              r=r, g=g, b=b)
    if a is not None:
        y = ImageMath.lambda_eval(
            lambda d: d["y"] * d["a"] / 255.0 + (255.0 - d["a"]) * (bg / 255.0), y=y, a=a)
    return y


def helper_ssim(x, y):
    from array import array

    from PIL import ImageMath

    c1, c2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2
    w, h = x.size
    xx = ImageMath.lambda_eval(lambda d: d["a"] * d["a"], a=x)
    yy = ImageMath.lambda_eval(lambda d: d["a"] * d["a"], a=y)
    xy = ImageMath.lambda_eval(lambda d: d["a"] * d["b"], a=x, b=y)
    total, n = 0.0, 0
    for ox, oy in ((0, 0), (4, 0), (0, 4), (4, 4)):
        cw, ch = (w - ox) // 8 * 8, (h - oy) // 8 * 8
        if cw <= 0 or ch <= 0:
            continue
        box = (ox, oy, ox + cw, oy + ch)
        mx, my, sxx, syy, sxy = (array("f", im.crop(box).reduce(8).tobytes())
                                 for im in (x, y, xx, yy, xy))
        for i in range(len(mx)):
            a, b = mx[i], my[i]
            vx, vy, cov = sxx[i] - a * a, syy[i] - b * b, sxy[i] - a * b
            total += ((2 * a * b + c1) * (2 * cov + c2)) / ((a * a + b * b + c1) * (vx + vy + c2))
            n += 1
    return total / n if n else None


def helper_ssim_job(job):
    from PIL import Image, ImageOps

    src = ImageOps.exif_transpose(Image.open(job["input"]))
    # An input with alpha is scored against references flattened onto white and onto black
    # (the JPEG encoders of the tools differ here); the better score is kept and labelled.
    bgs = (255.0, 0.0) if helper_has_alpha(src) else (255.0,)
    refs = {bg: helper_luma(src, bg) for bg in bgs}
    dw, dh = refs[255.0].size
    out = []
    for item in job["items"]:
        try:
            o = Image.open(item["path"])
            o.load()
            ow, oh = o.size
            box = (0, 0, dw, dh)
            if item.get("crop"):
                bw, bh = item["box"]
                s = max(bw / dw, bh / dh)
                rw, rh = ow / s, oh / s
                box = ((dw - rw) / 2, (dh - rh) / 2, (dw + rw) / 2, (dh + rh) / 2)
            # A crop's position is only defined to the nearest output pixel (tools round the
            # resized size, then crop whole pixels), so crops are scored at the best of the
            # half-pixel shifts that keep the box inside the picture.
            shifts = [0.0]
            if item.get("crop"):
                shifts = [-0.5, 0.0, 0.5]
            cands = []
            for sx in shifts:
                for sy in shifts:
                    px, py = sx * (box[2] - box[0]) / ow, sy * (box[3] - box[1]) / oh
                    b = (box[0] + px, box[1] + py, box[2] + px, box[3] + py)
                    if b[0] >= 0 and b[1] >= 0 and b[2] <= dw + 1e-6 and b[3] <= dh + 1e-6:
                        cands.append((min(b[2], dw), min(b[3], dh), b))
            best = None
            for bg, ref_full in refs.items():
                lo = helper_luma(o, bg)
                for x1, y1, b in cands:
                    ref = ref_full.resize((ow, oh), Image.Resampling.LANCZOS,
                                          box=(b[0], b[1], x1, y1))
                    v = helper_ssim(lo, ref)
                    if best is None or (v is not None and v > best[0]):
                        best = (v, bg)
            out.append({"id": item["id"], "ssim": best[0],
                        "flatten": None if len(refs) == 1 else ("white" if best[1] else "black")})
        except Exception as e:  # one bad output must not abort the comparison
            out.append({"id": item["id"], "ssim": None, "error": str(e)})
    return out


def helper_main(argv):
    if argv[0] == "probe":
        print(json.dumps(helper_probe(argv[1])))
    elif argv[0] == "ssim":
        with open(argv[1]) as f:
            print(json.dumps(helper_ssim_job(json.load(f))))
    else:
        sys.exit("helper: probe PATH | ssim JOB.json")


# ------------------------------------------------------------------ utilities
def webp_image_bytes(path):
    """Bytes of a WebP file's image chunks (VP8, VP8L, ALPH, with their 8-byte headers):
    the file without the RIFF/VP8X container and metadata chunks, which the tools keep
    differently (vipsthumbnail 8.14 keeps EXIF despite `strip`)."""
    try:
        with open(path, "rb") as f:
            d = f.read()
    except OSError:
        return None
    if d[:4] != b"RIFF" or d[8:12] != b"WEBP":
        return None
    pos, n = 12, 0
    while pos + 8 <= len(d):
        kind, size = d[pos:pos + 4], int.from_bytes(d[pos + 4:pos + 8], "little")
        if kind in (b"VP8 ", b"VP8L", b"ALPH"):
            n += 8 + size
        pos += 8 + size + (size & 1)
    return n


def ssim_at_bytes(points, target):
    """pixform's SSIM at `target` image bytes, interpolated linearly in log(bytes) between
    the two encodes that bracket it; None outside the encoded range."""
    pts = sorted((b, q) for b, q in points if b and q is not None)
    for (b0, q0), (b1, q1) in zip(pts, pts[1:]):
        if b0 <= target <= b1:
            if b1 == b0:
                return max(q0, q1)
            t = (math.log(target) - math.log(b0)) / (math.log(b1) - math.log(b0))
            return q0 + (q1 - q0) * t
    return None


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def sh(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


def loadavg():
    try:
        with open("/proc/loadavg") as f:
            return " ".join(f.read().split()[:3])
    except OSError:
        return "?"


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "?"


def geomean(xs):
    xs = [x for x in xs if x is not None and x > 0]
    return math.exp(sum(math.log(x) for x in xs) / len(xs)) if xs else None


def fmt(v, spec, none="–"):
    return none if v is None else format(v, spec)


def im_bin():
    """The ImageMagick binary peers.sh picks (same order)."""
    for c in ("magick", "convert-im6.q16", "convert-im6.q16hdri", "convert-im6",
              "/usr/bin/convert", "convert"):
        p = shutil.which(c)
        if p:
            return p
    return None


def extract_runners(peers_sh, dest):
    """Writes peers.sh's own Pillow and sharp runner scripts (its heredocs) into dest."""
    with open(peers_sh) as f:
        text = f.read()
    paths = {}
    for name, tag in (("pil_runner.py", "PY"), ("sharp_runner.js", "JS")):
        m = re.search(r'cat >"\$WORK/%s" <<\'%s\'\n(.*?)\n%s\n' % (re.escape(name), tag, tag),
                      text, re.S)
        if not m:
            raise SystemExit(f"could not find the {name} heredoc in {peers_sh}")
        paths[name] = os.path.join(dest, name)
        with open(paths[name], "w") as f:
            f.write(m.group(1) + "\n")
    return paths


# ------------------------------------------------------------------ the comparison
class Bench:
    def __init__(self, args):
        self.args = args
        self.peers_dir = args.peers_dir
        self.venv_py = os.path.join(self.peers_dir, "venv", "bin", "python")
        self.peers_sh = os.path.join(args.shared, "bench", "peers.sh")
        self.work = args.keep or tempfile.mkdtemp(prefix="pixform-compare.")
        os.makedirs(self.work, exist_ok=True)
        self.outdir = os.path.join(self.work, "out")
        os.makedirs(self.outdir, exist_ok=True)
        # Time a private copy: other builds may replace the target/ binary mid-run.
        self.pixform = os.path.join(self.work, "pixform")
        shutil.copy2(args.pixform, self.pixform)
        self.runners = extract_runners(self.peers_sh, self.work)
        self.env = dict(os.environ, PEERS_DIR=self.peers_dir)
        self.rows = []  # one dict per (photo, task, tool)

    def helper(self, *argv):
        r = sh([self.venv_py, os.path.abspath(__file__), "--helper", *argv])
        if r.returncode != 0:
            raise RuntimeError(f"helper {argv[0]} failed: {r.stderr.strip()}")
        return json.loads(r.stdout)

    # -- peers
    def run_peers(self, photo, task):
        spec = TASKS[task][5]
        jf = os.path.join(self.work, f"peers-{task}-{os.path.basename(photo)}.json")
        if os.path.exists(jf):
            os.remove(jf)
        keep = os.path.join(self.outdir, task)
        cmd = ["bash", self.peers_sh, "-P", "-n", str(self.args.runs), "-w", str(self.args.warmup),
               "-j", jf, "-k", keep, photo, task]
        r = sh(cmd, env=self.env)
        log(r.stdout.rstrip())
        if r.returncode != 0:
            log(f"peers.sh failed ({r.returncode}): {r.stderr.strip()}")
        rows = []
        if os.path.exists(jf):
            with open(jf) as f:
                for line in f:
                    if line.strip():
                        rows.append(json.loads(line))
        assert spec  # the JSON's "task" field holds the spec; one file per call anyway
        return rows, keep

    def peer_cmd(self, peer, photo, task, out, info):
        """The command line peers.sh runs for `peer` (see its do_bench)."""
        _, bw, bh, crop, fmt_, _ = TASKS[task]
        gstr = f"{bw or ''}x{bh or ''}"
        sw, sh_, orient, loader = info["w"], info["h"], info["orientation"], info["format"]
        dw, dh = (sh_, sw) if orient in (5, 6, 7, 8) else (sw, sh_)
        ss = [v for v in ((bw / dw) if bw else None, (bh / dh) if bh else None) if v is not None]
        s = max(ss) if crop else min(ss)
        tw, th = max(1, round(dw * s)), max(1, round(dh * s))
        hw, hh = (th, tw) if orient in (5, 6, 7, 8) else (tw, th)
        if peer == "vipsthumbnail":
            c = ["vipsthumbnail", photo, "--size", gstr, "-o", f"{out}[Q={QUALITY},strip]"]
            return c + (["--smartcrop", "centre"] if crop else [])
        if peer == "imagemagick":
            c = [im_bin()]
            if loader == "jpeg" and 2 * hw < sw and 2 * hh < sh_:
                c += ["-define", f"jpeg:size={2 * hw}x{2 * hh}"]
            c += [f"{photo}[0]", "-auto-orient"]
            if crop:
                c += ["-thumbnail", f"{bw}x{bh}^", "-gravity", "center", "-extent", f"{bw}x{bh}"]
            else:
                c += ["-thumbnail", gstr]
            return c + ["-quality", str(QUALITY), out]
        if peer in ("pillow", "pillow-simd"):
            py = os.path.join(self.peers_dir, "venv-simd" if peer == "pillow-simd" else "venv",
                              "bin", "python")
            return [py, self.runners["pil_runner.py"], photo, out, str(bw), str(bh), str(tw),
                    str(th), "1" if crop else "0", fmt_, str(QUALITY), "0", "1"]
        if peer == "sharp":
            sd = os.path.join(self.peers_dir, "node", "node_modules", "sharp")
            return ["node", self.runners["sharp_runner.js"], sd, photo, out, str(bw), str(bh),
                    "1" if crop else "0", fmt_, str(QUALITY), "0", "1"]
        if peer == FLOOR:
            return ["djpeg", "-scale", "1/8", "-outfile", out, photo]
        return None

    def max_rss_kb(self, cmd):
        tf = os.path.join(self.work, "rss.txt")
        r = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", tf, *cmd],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=self.env)
        if r.returncode != 0:
            return None
        try:
            with open(tf) as f:
                return int(f.read().strip().splitlines()[-1])
        except (OSError, ValueError, IndexError):
            return None

    # -- pixform
    def run_pixform(self, photo, task, out):
        tr = TASKS[task][0]
        cmd = [self.pixform, photo, tr, out]
        hf = os.path.join(self.work, "hf.json")
        r = sh(["hyperfine", "-N", "--style", "none", "--warmup", str(self.args.warmup),
                "--runs", str(self.args.runs), "--export-json", hf, "--",
                " ".join(shlex.quote(a) for a in cmd)])
        if r.returncode != 0:
            log(f"pixform failed under hyperfine: {r.stderr.strip()}")
            return {"status": "FAIL"}
        with open(hf) as f:
            res = json.load(f)["results"][0]
        once = sh(cmd)
        report = json.loads(once.stdout) if once.returncode == 0 else {}
        return {"status": "ok", "median_s": res["median"], "min_s": res["min"],
                "out_bytes": os.path.getsize(out) if os.path.exists(out) else None,
                "out_dims": f"{report.get('width')}x{report.get('height')}" if report else "-",
                "shrink_on_load": report.get("shrink_on_load")}

    def one(self, photo, task, info):
        stem = os.path.splitext(os.path.basename(photo))[0]
        log(f"== {stem} {task}  (load {loadavg()})")
        peers, keep = self.run_peers(photo, task)
        ext = "webp" if TASKS[task][4] == "webp" else "jpg"
        pix_out = os.path.join(keep, f"{stem}-pixform.{ext}")
        os.makedirs(keep, exist_ok=True)
        pix = self.run_pixform(photo, task, pix_out)
        log(f"pixform        {fmt(pix.get('median_s'), '9.4f')}  {pix.get('out_bytes')} "
            f"{pix.get('out_dims')}")
        rows = []
        for p in peers:
            row = {"photo": stem, "task": task, "tool": p["peer"], "status": p["status"],
                   "reason": p.get("reason")}
            if p["status"] == "ok":
                oext = "ppm" if p["peer"] == FLOOR else ext
                row.update(median_s=p["median_s"], min_s=p["min_s"], out_bytes=p["out_bytes"],
                           out_dims=p["out_dims"], mode=p["mode"],
                           out_path=os.path.join(keep, f"{stem}-{p['peer'].replace('/', '_')}.{oext}"))
            rows.append(row)
        prow = {"photo": stem, "task": task, "tool": PIXFORM, "status": pix["status"],
                "mode": "process"}
        if pix["status"] == "ok":
            prow.update({k: pix[k] for k in ("median_s", "min_s", "out_bytes", "out_dims",
                                             "shrink_on_load")}, out_path=pix_out)
        rows.append(prow)
        if TASKS[task][4] == "webp":
            for r in rows:
                if r["status"] == "ok" and r["tool"] != FLOOR:
                    r["image_bytes"] = webp_image_bytes(r["out_path"])
            if pix["status"] == "ok":
                prow["rd"] = self.rd_points(photo, task, keep, stem, rows)
        # peak RSS, one run each, into a scratch file so the kept outputs stay untouched
        for row in rows:
            if row["status"] != "ok":
                continue
            scratch = os.path.join(self.work, "rss-out." + row["out_path"].rsplit(".", 1)[-1])
            if row["tool"] == PIXFORM:
                cmd = [self.pixform, photo, TASKS[task][0], scratch]
            else:
                cmd = self.peer_cmd(row["tool"], photo, task, scratch, info)
            row["rss_kb"] = self.max_rss_kb(cmd) if cmd else None
        # ratios
        ok = [r for r in rows if r["status"] == "ok" and r["tool"] not in (FLOOR,)]
        peer_ok = [r for r in ok if r["tool"] != PIXFORM]
        fastest = min(peer_ok, key=lambda r: r["median_s"]) if peer_ok else None
        floor = next((r for r in rows if r["tool"] == FLOOR and r["status"] == "ok"), None)
        for r in rows:
            if r["status"] != "ok":
                continue
            r["fastest_peer"] = fastest["tool"] if fastest else None
            r["x_fastest"] = r["median_s"] / fastest["median_s"] if fastest else None
            r["x_floor"] = (r["median_s"] / floor["median_s"]
                            if floor and task == "thumb300" else None)
        return rows

    def rd_points(self, photo, task, keep, stem, rows):
        """pixform's WebP at other qualities (one untimed run each): [{q, path, bytes}],
        with qualities added until they bracket every peer's image bytes."""
        want = [r["image_bytes"] for r in rows
                if r["status"] == "ok" and r["tool"] not in (PIXFORM, FLOOR)
                and r.get("image_bytes")]
        tr = TASKS[task][0]
        qual = re.search(r"q-(\d+)", tr)
        base_q = int(qual.group(1)) if qual else QUALITY
        pts = []

        def encode(q):
            out = os.path.join(keep, f"{stem}-pixform-q{q}.webp")
            r = sh([self.pixform, photo, re.sub(r"q-\d+", f"q-{q}", tr), out])
            if r.returncode == 0:
                pts.append({"q": q, "path": out, "bytes": webp_image_bytes(out)})
            return r.returncode == 0

        for q in RD_QUALITIES:
            encode(q)
        base = rows[-1].get("image_bytes")
        sizes = lambda: [p["bytes"] for p in pts if p["bytes"]] + ([base] if base else [])
        q = min(RD_QUALITIES)
        while want and sizes() and min(sizes()) > min(want) and q > 20:
            q -= 8
            if not encode(q):
                break
        q = max(RD_QUALITIES)
        while want and sizes() and max(sizes()) < max(want) and q < 98:
            q = min(98, q + 4)
            if not encode(q):
                break
        log(f"pixform rd     q {sorted(p['q'] for p in pts)} (base q{base_q})")
        return pts

    def ssim_for(self, photo, rows):
        items = []
        for i, r in enumerate(rows):
            if r["status"] == "ok" and r["tool"] != FLOOR and os.path.exists(r.get("out_path", "")):
                _, bw, bh, crop, _, _ = TASKS[r["task"]]
                items.append({"id": i, "path": r["out_path"], "crop": crop, "box": [bw, bh]})
            for j, p in enumerate(r.get("rd", [])):
                if os.path.exists(p["path"]):
                    items.append({"id": f"{i}:{j}", "path": p["path"], "crop": False,
                                  "box": [0, 0]})
        if not items:
            return
        jf = os.path.join(self.work, "ssim-job.json")
        with open(jf, "w") as f:
            json.dump({"input": photo, "items": items}, f)
        try:
            for res in self.helper("ssim", jf):
                if isinstance(res["id"], str):
                    i, j = (int(x) for x in res["id"].split(":"))
                    rows[i]["rd"][j]["ssim"] = res.get("ssim")
                    continue
                rows[res["id"]]["ssim"] = res.get("ssim")
                rows[res["id"]]["ssim_flatten"] = res.get("flatten")
                if res.get("error"):
                    log(f"ssim {rows[res['id']]['tool']}: {res['error']}")
        except RuntimeError as e:
            log(str(e))

    def run(self, photos, tasks, save):
        for photo in photos:
            stem = os.path.splitext(os.path.basename(photo))[0]
            done = {r["task"] for r in self.rows if r["photo"] == stem}
            if all(t in done for t in tasks):
                log(f"== {stem}: already measured (--resume)")
                continue
            self.rows = [r for r in self.rows if r["photo"] != stem]
            info = self.helper("probe", photo)
            prow = []
            for task in tasks:
                prow += self.one(photo, task, info)
            if not self.args.no_ssim:
                self.ssim_for(photo, prow)
            self.rows += prow
            save()


# ------------------------------------------------------------------ report
def machine_notes(args, load_start, load_end, t0, t1, check, resumed=()):
    rustc = sh(["rustc", "--version"]).stdout.strip() or "?"
    hf = sh(["hyperfine", "--version"]).stdout.strip() or "?"
    git = sh(["git", "-C", CRATE, "describe", "--always", "--dirty"]).stdout.strip() or "?"
    node = sh(["node", "--version"]).stdout.strip() if shutil.which("node") else "-"
    mem = "?"
    try:
        with open("/proc/meminfo") as f:
            mem = f"{int(f.readline().split()[1]) / 1048576:.1f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    lines = [
        f"- date: {t0.strftime('%Y-%m-%d %H:%M')}–{t1.strftime('%H:%M')} UTC "
        f"({(t1 - t0).total_seconds() / 60:.1f} min)",
        f"- CPU: {cpu_model()}, nproc = {os.cpu_count()}; RAM {mem}; "
        f"{platform.system()} {platform.release()}",
        f"- load average (1/5/15 min): start {load_start}, end {load_end}"
        + ("  — **the machine was shared while this ran: the absolute numbers are noisy**"
           if max(float(load_start.split()[0]), float(load_end.split()[0])) > 0.5 * (os.cpu_count() or 1)
           else ""),
        *([f"- interrupted and resumed (`--resume`) at: {'; '.join(resumed)}"] if resumed else []),
        f"- pixform: `{git}` built with {rustc}, release profile, default `Config`",
        f"- runs: {args.runs} timed + {args.warmup} warm-up per tool, median reported; "
        f"{hf}; node {node}",
        "- tools (`PEERS_DIR=%s bash ../shared/bench/peers.sh check`):" % args.peers_dir,
        "",
        "```",
        check.rstrip(),
        "```",
    ]
    return "\n".join(lines)


def write_report(args, rows, tasks, photos, notes):
    tools_order = [PIXFORM, "vipsthumbnail", "sharp", "pillow-simd", "pillow", "imagemagick",
                   FLOOR]
    tools = [t for t in tools_order if any(r["tool"] == t for r in rows)]
    tools += sorted({r["tool"] for r in rows} - set(tools))
    stems = [os.path.splitext(os.path.basename(p))[0] for p in photos]
    rel_out = os.path.relpath(os.path.abspath(args.out), CRATE)
    L = []
    L.append("# pixform vs peers: whole-process benchmarks\n")
    L.append(f"Generated by `bench/compare.py` — do not edit by hand; regenerate with the "
             f"commands below. Every tool runs as a whole process on one image (start-up, "
             f"decode, resize, encode, write), so Python's and Node's start-up count against "
             f"Pillow and sharp, just as process start-up counts against pixform.\n")
    L.append("## Machine\n")
    L.append(notes + "\n")
    L.append("## Reproduce\n")
    L.append("```sh\n"
             "PEERS_DIR=/work/peers bash ../shared/bench/peers.sh install   # once (or check)\n"
             "cargo build --release --example pixform\n"
             f"python3 bench/compare.py --runs {args.runs}"
             + (f" --out {rel_out}" if rel_out != "BENCHMARKS.md" else "") + "\n```\n")
    L.append("Per photo and task the script runs "
             f"`PEERS_DIR=… bash ../shared/bench/peers.sh -P -n {args.runs} -w {args.warmup} "
             "-j peers.json -k OUTDIR INPUT TASK` and "
             f"`hyperfine -N --warmup {args.warmup} --runs {args.runs} --export-json … "
             "'pixform INPUT TRANSFORM OUTPUT'`, then each tool once under "
             "`/usr/bin/time -f %M` (peak RSS; the peers' command lines are the ones peers.sh "
             "runs, its Pillow/sharp runner scripts extracted from peers.sh itself).\n")
    L.append("| task | peers.sh | pixform transformation |\n|---|---|---|")
    for t in tasks:
        L.append(f"| {t} ({TASK_TEXT[t]}) | `{t}` = `{TASKS[t][5]}` | `{TASKS[t][0]}` |")
    L.append("")

    def cell_rows(task):
        return [r for r in rows if r["task"] == task]

    # summary: pixform's ratios
    L.append("## Summary: pixform's median time ÷ fastest peer's\n")
    L.append("Below 1.00 pixform is faster than every peer on that photo. The thumb300 "
             "column in brackets is pixform ÷ `djpeg -scale 1/8` (JPEG entropy decoding + "
             "cheapest IDCT, no resize, no encode: the floor for any decoder that entropy-decodes "
             "the whole file). pixform's DC-only 1/8 path skips the AC scans of *progressive* "
             "JPEGs without decoding them, so on those it goes below this floor; on baseline "
             "files (storm, wood, kleiber) every AC symbol must still be Huffman-decoded.\n")
    L.append("| photo | " + " | ".join(tasks) + " |")
    L.append("|---|" + "---:|" * len(tasks))
    for stem in stems:
        cells = []
        for t in tasks:
            r = next((r for r in rows if r["photo"] == stem and r["task"] == t
                      and r["tool"] == PIXFORM and r["status"] == "ok"), None)
            if not r or r.get("x_fastest") is None:
                cells.append("–")
                continue
            c = f"{r['x_fastest']:.2f} (vs {r['fastest_peer']})"
            if r.get("x_floor") is not None:
                c += f" [{r['x_floor']:.2f}× floor]"
            cells.append(c)
        L.append(f"| {stem} | " + " | ".join(cells) + " |")
    L.append("")

    # geo-means
    L.append("## Geometric means per tool\n")
    L.append("Over the photos each tool completed; `× fastest` is the geo-mean of "
             "(tool median ÷ fastest peer's median) per photo. SSIM is the arithmetic mean; "
             "RSS the geo-mean of peak RSS.\n")
    for t in tasks:
        L.append(f"### {t}\n")
        L.append("| tool | photos | median ms | × fastest peer | bytes | SSIM | peak RSS MB |")
        L.append("|---|---:|---:|---:|---:|---:|---:|")
        for tool in tools:
            rs = [r for r in cell_rows(t) if r["tool"] == tool and r["status"] == "ok"]
            if not rs:
                continue
            ss = [r["ssim"] for r in rs if r.get("ssim") is not None]
            gm_ms = geomean([r["median_s"] * 1000 for r in rs])
            gm_x = geomean([r.get("x_fastest") for r in rs])
            gm_b = geomean([r.get("out_bytes") for r in rs])
            gm_rss = geomean([r.get("rss_kb") for r in rs])
            L.append(f"| {tool} | {len(rs)} | {fmt(gm_ms, '.1f')} | {fmt(gm_x, '.2f')} | "
                     f"{fmt(gm_b, ',.0f')} | {fmt(statistics.mean(ss) if ss else None, '.4f')} | "
                     f"{fmt(gm_rss / 1024 if gm_rss else None, '.1f')} |")
        L.append("")

    # full tables
    L.append("## Per task, per photo\n")
    L.append("`× fastest` = median ÷ the fastest peer's median on that photo (djpeg-1/8 "
             "excluded); **bold** = fastest tool (pixform included).\n")
    for t in tasks:
        L.append(f"### {t} — {TASK_TEXT[t]}\n")
        L.append("| photo | tool | median ms | × fastest | bytes | dims | SSIM | peak RSS MB |")
        L.append("|---|---|---:|---:|---:|---|---:|---:|")
        for stem in stems:
            rs = [r for r in cell_rows(t) if r["photo"] == stem]
            okr = [r for r in rs if r["status"] == "ok" and r["tool"] != FLOOR]
            best = min(okr, key=lambda r: r["median_s"])["tool"] if okr else None
            for tool in tools:
                r = next((r for r in rs if r["tool"] == tool), None)
                if r is None:
                    continue
                if r["status"] != "ok":
                    if tool == FLOOR and "not JPEG" in (r.get("reason") or ""):
                        continue
                    L.append(f"| {stem} | {tool} | {r['status']}: {r.get('reason') or ''} "
                             "| | | | | |")
                    continue
                ms = f"{r['median_s'] * 1000:.1f}"
                if tool == best:
                    ms = f"**{ms}**"
                name = tool + (" (floor)" if tool == FLOOR else "")
                L.append(f"| {stem} | {name} | {ms} | {fmt(r.get('x_fastest'), '.2f')} | "
                         f"{fmt(r.get('out_bytes'), ',')} | {r.get('out_dims')} | "
                         f"{fmt(r.get('ssim'), '.4f')}"
                         + (" (black)" if r.get("ssim_flatten") == "black" else "") + " | "
                         f"{fmt(r['rss_kb'] / 1024 if r.get('rss_kb') else None, '.1f')} |")
        L.append("")

    for t in [t for t in tasks if TASKS[t][4] == "webp"]:
        L.extend(equal_bytes_section(t, cell_rows(t), stems))

    # Sections other bench scripts wrote into the file (bench/heif_compare.py) are kept.
    L.extend(kept_blocks(args.out))
    L.append("## SSIM method\n")
    L.append(SSIM_METHOD + "\n")
    L.append("## Where pixform stands\n")
    L.append(standing(rows, tasks) + "\n")
    with open(args.out, "w") as f:
        f.write("\n".join(L))


def kept_blocks(path):
    """The `<!-- BEGIN bench/… -->` … `<!-- END bench/… -->` blocks of the existing report:
    sections written by other bench scripts, which this regeneration must not drop."""
    try:
        with open(path) as f:
            doc = f.read()
    except OSError:
        return []
    return [m.group(0) + "\n" for m in
            re.finditer(r"^<!-- BEGIN (bench/\S+).*?^<!-- END \1 -->$", doc, re.S | re.M)]


def equal_bytes_section(task, rows, stems):
    """WebP output against the peers' at equal image bytes (pixform re-encoded at other
    qualities; its SSIM interpolated at each peer's size)."""
    L = [f"### {task} at equal image bytes\n",
         "Image bytes are the WebP image chunks (VP8/VP8L/ALPH), without container or "
         "metadata. *No larger, no lower*: pixform's q80 file against the fastest peer's on "
         "both counts at once. *At the peer's bytes*: pixform re-encoded at qualities "
         f"{', '.join(str(q) for q in RD_QUALITIES)} (and more where needed to bracket every "
         "peer), its SSIM interpolated in log(bytes) at each peer's image bytes, minus that "
         "peer's SSIM — positive means pixform gives more quality for the same bytes.\n",
         "| photo | fastest peer | its image bytes / SSIM | pixform q80 image bytes / SSIM "
         "| no larger, no lower | pixform at the fastest peer's bytes | Δ SSIM at each peer's "
         "bytes |",
         "|---|---|---:|---:|:---:|---:|---|"]
    for stem in stems:
        rs = {r["tool"]: r for r in rows if r["photo"] == stem and r["status"] == "ok"}
        p = rs.get(PIXFORM)
        if not p or not p.get("fastest_peer") or p.get("ssim") is None:
            continue
        pts = [(p["rd"][j]["bytes"], p["rd"][j].get("ssim")) for j in range(len(p.get("rd", [])))]
        pb = p.get("image_bytes")
        pts.append((pb, p["ssim"]))
        f = rs.get(p["fastest_peer"])
        fb = f.get("image_bytes") if f else None
        if not f or not fb or not pb or f.get("ssim") is None:
            continue
        ok = pb <= fb and p["ssim"] >= f["ssim"]
        at = ssim_at_bytes(pts, fb)
        deltas = []
        for tool, r in rs.items():
            if tool in (PIXFORM, FLOOR) or r.get("ssim") is None:
                continue
            rb = r.get("image_bytes")
            v = ssim_at_bytes(pts, rb) if rb else None
            deltas.append(f"{tool} {v - r['ssim']:+.5f}" if v is not None else f"{tool} –")
        at_text = "–" if at is None else f"{at:.5f} ({at - f['ssim']:+.5f})"
        L.append(f"| {stem} | {f['tool']} | {fb:,} / {f['ssim']:.5f} | {pb:,} / "
                 f"{p['ssim']:.5f} | {'yes' if ok else 'no'} | {at_text} | "
                 f"{', '.join(deltas)} |")
    L.append("")
    return L


def standing(rows, tasks):
    """A data-driven summary paragraph (the numbers change with every run)."""
    out = []
    for t in tasks:
        pr = [r for r in rows if r["task"] == t and r["tool"] == PIXFORM and r["status"] == "ok"]
        if not pr:
            out.append(f"- **{t}**: pixform produced no result.")
            continue
        xs = [r["x_fastest"] for r in pr if r.get("x_fastest") is not None]
        wins = sum(1 for x in xs if x < 1.0)
        gm = geomean(xs)
        fastest_names = sorted({r["fastest_peer"] for r in pr if r.get("fastest_peer")})
        s = (f"- **{t}**: pixform's time is {fmt(gm, '.2f')}× the fastest peer's "
             f"(geo-mean; range {fmt(min(xs) if xs else None, '.2f')}–"
             f"{fmt(max(xs) if xs else None, '.2f')}); faster than every peer on {wins} of "
             f"{len(xs)} photos. Fastest peer: {', '.join(fastest_names) or '–'}.")
        fl = [r["x_floor"] for r in pr if r.get("x_floor") is not None]
        if fl:
            s += f" Against the djpeg-1/8 floor: {fmt(geomean(fl), '.2f')}× (geo-mean)."
        # quality and size against the peers on the same photos
        by_photo = {}
        for r in rows:
            if r["task"] == t and r["status"] == "ok" and r["tool"] != FLOOR:
                by_photo.setdefault(r["photo"], {})[r["tool"]] = r
        dss, dby = [], []
        for tools in by_photo.values():
            p = tools.get(PIXFORM)
            others = [v for k, v in tools.items() if k != PIXFORM]
            if not p or not others:
                continue
            oss = [o["ssim"] for o in others if o.get("ssim") is not None]
            if p.get("ssim") is not None and oss:
                dss.append(p["ssim"] - statistics.median(oss))
            obs = [o["out_bytes"] for o in others if o.get("out_bytes")]
            if p.get("out_bytes") and obs:
                dby.append(p["out_bytes"] / statistics.median(obs))
        if dss:
            s += (f" SSIM minus the peers' median: {statistics.mean(dss):+.4f} on average; "
                  f"output bytes ÷ the peers' median: {fmt(geomean(dby), '.2f')} (geo-mean).")
        rss = [r for r in rows if r["task"] == t and r["status"] == "ok" and r.get("rss_kb")
               and r["tool"] != FLOOR]
        pr_rss = geomean([r["rss_kb"] for r in rss if r["tool"] == PIXFORM])
        peer_rss = geomean([r["rss_kb"] for r in rss if r["tool"] != PIXFORM])
        if pr_rss and peer_rss:
            s += (f" Peak RSS {pr_rss / 1024:.0f} MB vs {peer_rss / 1024:.0f} MB for the "
                  "peers (geo-means).")
        out.append(s)
    out.append(
        "- Caveats: process mode charges Pillow (~Python start-up) and sharp (~Node start-up "
        "and module load) a fixed cost that an in-process server would not pay; pixform and "
        "the CLI peers pay only exec + dynamic loading. Each tool uses its default threading. "
        "Peak RSS is from one run. The SSIM scores compare different resampling kernels "
        "against one LANCZOS reference, so a tool whose kernel is closer to Lanczos-3 gets "
        "a small edge. On a loaded machine, compare ratios rather than milliseconds.")
    return "\n".join(out)


# ------------------------------------------------------------------ main
def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--helper":
        helper_main(sys.argv[2:])
        return
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=5, help="timed runs per tool (default 5)")
    ap.add_argument("--warmup", type=int, default=2, help="warm-up runs per tool (default 2)")
    ap.add_argument("--photos", default="", help="comma-separated substrings of photo names")
    ap.add_argument("--tasks", default="thumb300,webp1200,crop300")
    ap.add_argument("--out", default=os.path.join(CRATE, "BENCHMARKS.md"))
    ap.add_argument("--pixform", default=None, help="pixform CLI (default: the release example "
                    "under $CARGO_TARGET_DIR or ./target)")
    ap.add_argument("--peers-dir", default=os.environ.get("PEERS_DIR", "/work/peers"))
    ap.add_argument("--shared", default=os.path.join(CRATE, "..", "shared"))
    ap.add_argument("--raw", default=None, help="also write every measurement as JSON here")
    ap.add_argument("--keep", default=None, help="work directory to keep (outputs, JSON)")
    ap.add_argument("--no-ssim", action="store_true")
    ap.add_argument("--resume", action="store_true",
                    help="with --raw: keep the photos already measured in that file")
    ap.add_argument("--rescore", action="store_true",
                    help="with --raw and --keep of an earlier run: recompute only the SSIM "
                    "scores from the kept outputs and rewrite the report")
    args = ap.parse_args()

    args.pixform_given = args.pixform is not None
    if args.pixform is None:
        td = os.environ.get("CARGO_TARGET_DIR", os.path.join(CRATE, "target"))
        args.pixform = os.path.join(td, "release", "examples", "pixform")
    if not os.access(args.pixform, os.X_OK):
        sys.exit(f"no pixform binary at {args.pixform}: cargo build --release --example pixform")
    tasks = [t for t in args.tasks.split(",") if t]
    for t in tasks:
        if t not in TASKS:
            sys.exit(f"unknown task {t}; known: {', '.join(TASKS)}")
    corpus = os.path.join(args.shared, "corpus", "photos")
    photos = sorted(glob.glob(os.path.join(corpus, "*.jpg")) + glob.glob(os.path.join(corpus, "*.png")))
    if args.photos:
        want = [w for w in args.photos.split(",") if w]
        photos = [p for p in photos if any(w in os.path.basename(p) for w in want)]
    if not photos:
        sys.exit("no photos selected")
    for tool in ("hyperfine", "/usr/bin/time"):
        if not shutil.which(tool):
            sys.exit(f"{tool} is required")

    meta = {"t0": datetime.datetime.now(datetime.timezone.utc).isoformat(),
            "load_start": loadavg()}
    rows = []
    if args.rescore and not (args.raw and args.keep and os.path.exists(args.raw)):
        sys.exit("--rescore needs --raw FILE and --keep DIR of an earlier run")
    if (args.resume or args.rescore) and args.raw and os.path.exists(args.raw):
        with open(args.raw) as f:
            saved = json.load(f)
        meta, rows = saved["meta"], saved["rows"]
    if args.resume and rows:
        meta["resumed"] = meta.get("resumed", []) + [
            datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="minutes")
            + f" (load {loadavg()})"]
    check = sh(["bash", os.path.join(args.shared, "bench", "peers.sh"), "check"],
               env=dict(os.environ, PEERS_DIR=args.peers_dir)).stdout
    bench = Bench(args)
    bench.rows = rows

    def save():
        if args.raw:
            with open(args.raw, "w") as f:
                json.dump({"meta": meta, "rows": bench.rows}, f, indent=1)

    # SIGTERM (a shared machine's clean-up, a timeout) still saves what was measured.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    log(f"work dir {bench.work}; {len(photos)} photos × {len(tasks)} tasks, runs={args.runs}")
    start = time.monotonic()
    try:
        if args.rescore:
            for photo in photos:
                stem = os.path.splitext(os.path.basename(photo))[0]
                bench.ssim_for(photo, [r for r in bench.rows if r["photo"] == stem])
        else:
            bench.run(photos, tasks, save)
            meta["t1"] = datetime.datetime.now(datetime.timezone.utc).isoformat()
            meta["load_end"] = loadavg()
    finally:
        save()
        if not args.keep:
            shutil.rmtree(bench.work, ignore_errors=True)
    t0 = datetime.datetime.fromisoformat(meta["t0"])
    t1 = datetime.datetime.fromisoformat(meta["t1"])
    notes = machine_notes(args, meta["load_start"], meta["load_end"], t0, t1, check,
                          meta.get("resumed", []))
    write_report(args, bench.rows, tasks, photos, notes)
    log(f"wrote {args.out} in {time.monotonic() - start:.0f} s")


if __name__ == "__main__":
    main()
