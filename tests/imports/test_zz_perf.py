import time, csv, io
from tests.imports.conftest import upload, preview_url

def test_perf(world, login, imports_dir):
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(["Summary","Issue key","Issue id","Issue Type","Status","Labels","Labels","Description","Custom field (Story Points)"])
    for n in range(2000):
        w.writerow([f"Punkt {n}", f"K-{n}", n, "Story", "To Do", "a", "b", "Tekst " * 20, 3])
    client = login(world.users["secretariat"])
    t = time.time()
    url = preview_url(upload(client, "ALPHA", "items", out.getvalue().encode(), "j.csv", source="jira"))
    print("upload", time.time() - t); t = time.time()
    client.get(url); print("preview", time.time() - t); t = time.time()
    r = client.post(url, data={"action": "import"}); print("import", r.status_code, time.time() - t)
