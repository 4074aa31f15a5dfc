"""``scenes``, ``run --scene`` and ``run`` of a script written for real PyTorch."""

from __future__ import annotations

import textwrap

from engine.scenes import SCENES

TORCH_SCRIPT = textwrap.dedent("""\
    import sys
    import torch
    import torch.nn.functional as F
    from torch.utils.data import TensorDataset, DataLoader

    assert torch.__name__ == "engine.eager", torch.__name__
    N, D_in, H, D_out = 8, 6, 5, 3
    x = torch.randn(N, D_in)
    y = torch.randn(N, D_out)
    model = torch.nn.Sequential(torch.nn.Linear(D_in, H), torch.nn.ReLU(),
                                torch.nn.Linear(H, D_out))
    optimizer = torch.optim.SGD(model.parameters(), lr=1e-2)
    loader = DataLoader(TensorDataset(x, y), batch_size=4)
    for epoch in range(100):
        for x_batch, y_batch in loader:
            loss = F.mse_loss(model(x_batch), y_batch)
            loss.backward()
            optimizer.step()
            optimizer.zero_grad()
    print("epochs", epoch + 1)
""")


def test_scenes_lists_every_scene_in_lecture_order(cli_here):
    proc = cli_here("scenes")
    assert proc.returncode == 0, proc.stderr
    rows = [line.split()[0] for line in proc.stdout.splitlines()[1:-1]]
    assert rows == list(SCENES)
    assert "tensorflow" in proc.stdout and "PyTorch: autograd" in proc.stdout


def test_run_scene_small(cli_here, tmp_path):
    proc = cli_here(
        "run",
        "--scene",
        "torch-tensors",
        "--small",
        "--iterations",
        "3",
        "--chrome-trace",
        str(tmp_path / "c.json"),
    )
    assert proc.returncode == 0, proc.stderr
    assert "cpu (numpy)" in proc.stdout and "MatMul" in proc.stdout
    assert (tmp_path / "c.json").stat().st_size > 0


def test_run_script_that_imports_torch(cli, tmp_path):
    (tmp_path / "train.py").write_text(TORCH_SCRIPT)
    proc = cli("run", "train.py", "--iterations", "2", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "cgviz: 'import torch' resolves to engine.eager for this script" in proc.stderr
    assert "tensorflow" not in proc.stderr
    assert "epochs 2" in proc.stdout
    assert "cpu (numpy)" in proc.stdout and "MatMul" in proc.stdout


def test_engine_error_in_a_script_shows_the_users_line(cli_here, tmp_path):
    (tmp_path / "bad.py").write_text(
        "import torch\na = torch.randn(2, 3)\n\n"
        "def f(b):\n    return a.mm(b)\n\nf(torch.randn(4, 5))\n"
    )
    proc = cli_here("run", "bad.py", cwd=tmp_path)
    assert proc.returncode == 1
    assert 'bad.py", line 5, in f' in proc.stderr
    assert "RuntimeError: mat1 and mat2 shapes cannot be multiplied (2x3 and 4x5)" in proc.stderr
    assert "engine" + "/eager" not in proc.stderr  # engine frames hidden by default
    assert proc.stdout == ""


TF_SCRIPT = textwrap.dedent("""\
    import numpy as np
    import tensorflow as tf
    from tensorflow.contrib.layers import xavier_initializer

    N, D, H = 4, 6, 5
    x = tf.placeholder(tf.float32, shape=(N, D))
    y = tf.placeholder(tf.float32, shape=(N, D))
    h = tf.layers.dense(inputs=x, units=H, activation=tf.nn.relu,
                        kernel_initializer=xavier_initializer())
    loss = tf.losses.mean_squared_error(tf.layers.dense(inputs=h, units=D), y)
    updates = tf.train.GradientDescentOptimizer(1e-1).minimize(loss)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        values = {x: np.random.randn(N, D), y: np.random.randn(N, D)}
        for t in range(1000):
            loss_val, _ = sess.run([loss, updates], feed_dict=values)
    print("runs", t + 1)
""")


def test_run_script_that_imports_tensorflow(cli_here, tmp_path):
    (tmp_path / "tf_train.py").write_text(TF_SCRIPT)
    proc = cli_here("run", "tf_train.py", "--iterations", "3", "--trace", "t.jsonl", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "'import tensorflow' resolves to engine.static for this script" in proc.stderr
    assert "runs 3" in proc.stdout
    assert any(line.split()[:2] == ["static", "MatMul"] for line in proc.stdout.splitlines())
    assert "Session.run" in proc.stdout
