"""The lecture's listings as scenes, registered in lecture order (A0 intro, A1 TensorFlow,
A2 PyTorch, A3 static vs dynamic).

Every listing is the lecture's code with only its import lines changed; where a listing names
a device it names the CPU (``'/cpu:0'``, ``torch.FloatTensor``, ``torch.device('cpu')``) and
``GPU_EDITS`` flips it. ``small`` edits shrink the sizes so the test suite can run every scene
in moments; ``loop`` is the main loop's bound, replaced to change the number of iterations.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from engine.scenes import Scene
from engine.scenes import add as _register
from engine.scenes.korean import KO


def add(scene: Scene) -> Scene:
    """Register ``scene`` with its Korean title and caption (from ``korean.KO``)."""
    title_ko, caption_ko = KO.get(scene.name, (None, None))
    fields: dict[str, Any] = {
        "title_ko": scene.title_ko or title_ko,
        "caption_ko": scene.caption_ko or caption_ko,
    }
    return _register(replace(scene, **fields))


TF_SMALL = (("N, D, H = 64, 1000, 100", "N, D, H = 4, 6, 5"),)
TORCH_SMALL = (("N, D_in, H, D_out = 64, 1000, 100, 10", "N, D_in, H, D_out = 4, 6, 5, 3"),)
CUDA = "device='cuda'"
TORCH_DATA_GPU = (
    ("x = torch.randn(N, D_in)", f"x = torch.randn(N, D_in, {CUDA})"),
    ("y = torch.randn(N, D_out)", f"y = torch.randn(N, D_out, {CUDA})"),
)
TORCH_WEIGHTS_GPU = (
    (
        "torch.randn(D_in, H, requires_grad=True)",
        f"torch.randn(D_in, H, requires_grad=True, {CUDA})",
    ),
    (
        "torch.randn(H, D_out, requires_grad=True)",
        f"torch.randn(H, D_out, requires_grad=True, {CUDA})",
    ),
)
SEQUENTIAL_GPU = (("torch.nn.Linear(H, D_out))", "torch.nn.Linear(H, D_out)).cuda()"),)
TWO_LAYER_NET_GPU = (
    ("model = TwoLayerNet(D_in, H, D_out)", "model = TwoLayerNet(D_in, H, D_out).cuda()"),
)

# ------------------------------------------------------------------ A0: computational graphs

add(
    Scene(
        "tf-graph",
        "TensorFlow: a computational graph",
        "Build the graph (x * y + z, summed), ask tf.gradients for its backward pass, then run "
        "it in a Session",
        "a02_tf_graph.py",
        "intro",
        loop=None,
    )
)
add(
    Scene(
        "torch-graph",
        "PyTorch: the same computational graph",
        "The same graph in PyTorch: the forward pass builds it as it runs, c.backward() "
        "fills x.grad",
        "a03_torch_graph.py",
        "intro",
        loop=None,
    )
)

# ------------------------------------------------------------------ A1: TensorFlow

add(
    Scene(
        "tf-nn",
        "TensorFlow: neural net",
        "First build the graph (placeholders, matmul, loss, gradients), then run it: nothing "
        "is computed until Session.run",
        "t1_tf_nn.py",
        "tensorflow",
        loop=None,
        small=TF_SMALL,
    )
)
add(
    Scene(
        "tf-train",
        "TensorFlow: train the network",
        "Problem: copying weights between CPU and GPU every step (weights are fed in and "
        "fetched out of each run)",
        "t2_tf_train.py",
        "tensorflow",
        loop="range(50)",
        small=TF_SMALL,
    )
)
add(
    Scene(
        "tf-variables",
        "TensorFlow: weights as Variables",
        "Problem: loss not going down! The assign nodes never run: Session.run only computes "
        "what the fetches need",
        "t3_tf_variables.py",
        "tensorflow",
        loop="range(50)",
        small=TF_SMALL,
    )
)
add(
    Scene(
        "tf-group",
        "TensorFlow: group the updates",
        "A dummy node (tf.group) depends on the updates; fetching it makes the assign nodes "
        "run, and the loss goes down",
        "t4_tf_group.py",
        "tensorflow",
        loop="range(50)",
        small=TF_SMALL,
    )
)
add(
    Scene(
        "tf-optimizer",
        "TensorFlow: optimizer",
        "An optimizer computes gradients and updates the weights; remember to execute its output",
        "t5_tf_optimizer.py",
        "tensorflow",
        loop="range(50)",
        small=TF_SMALL,
    )
)
add(
    Scene(
        "tf-losses",
        "TensorFlow: predefined loss",
        "tf.losses.mean_squared_error replaces the hand-written loss (a mean over all elements)",
        "t6_tf_losses.py",
        "tensorflow",
        loop="range(50)",
        small=TF_SMALL,
    )
)
add(
    Scene(
        "tf-layers",
        "TensorFlow: layers",
        "tf.layers.dense sets up weights and biases (with Xavier initialization) for us",
        "t7_tf_layers.py",
        "tensorflow",
        loop="range(50)",
        small=TF_SMALL,
    )
)

# ------------------------------------------------------------------ A2: PyTorch

add(
    Scene(
        "torch-tensors",
        "PyTorch: tensors",
        "Tensors are numpy arrays that can run on the GPU: forward, manual backward and "
        "update, one op at a time",
        "p2_torch_tensors.py",
        "pytorch",
        small=TORCH_SMALL,
    )
)
add(
    Scene(
        "torch-autograd",
        "PyTorch: autograd",
        "Tensors that require grad record a graph as they compute; loss.backward() walks it",
        "p3_torch_autograd.py",
        "pytorch",
        small=TORCH_SMALL,
        gpu=TORCH_DATA_GPU + TORCH_WEIGHTS_GPU,
    )
)
add(
    Scene(
        "torch-function",
        "PyTorch: new autograd functions",
        "Define your own autograd function by writing forward and backward for tensors",
        "p4_torch_function.py",
        "pytorch",
        small=TORCH_SMALL,
        gpu=TORCH_DATA_GPU + TORCH_WEIGHTS_GPU,
    )
)
add(
    Scene(
        "torch-nn",
        "PyTorch: nn",
        "nn: a model is a sequence of layers holding learnable weights; a loss function from "
        "nn.functional",
        "p5_torch_nn.py",
        "pytorch",
        small=TORCH_SMALL,
        gpu=TORCH_DATA_GPU + SEQUENTIAL_GPU,
    )
)
add(
    Scene(
        "torch-optim",
        "PyTorch: optim",
        "An optimizer (Adam) updates all the parameters after backward",
        "p6_torch_optim.py",
        "pytorch",
        small=TORCH_SMALL,
        gpu=TORCH_DATA_GPU + SEQUENTIAL_GPU,
    )
)
add(
    Scene(
        "torch-module",
        "PyTorch: define new Modules",
        "A Module is a layer or a whole model: its forward uses other modules and autograd "
        "ops; no backward needed",
        "p7_torch_module.py",
        "pytorch",
        small=TORCH_SMALL,
        gpu=TORCH_DATA_GPU + TWO_LAYER_NET_GPU,
    )
)
add(
    Scene(
        "torch-mix",
        "PyTorch: mix and match Modules",
        "Your own Module (a parallel block) inside nn.Sequential; its input fans out and the "
        "gradients add up",
        "p8_torch_mix.py",
        "pytorch",
        small=TORCH_SMALL,
        gpu=TORCH_DATA_GPU + SEQUENTIAL_GPU,
    )
)
add(
    Scene(
        "torch-dataloader",
        "PyTorch: DataLoaders",
        "A DataLoader wraps a Dataset and hands out minibatches",
        "p9_torch_dataloader.py",
        "pytorch",
        loop="range(20)",
        small=(("N, D_in, H, D_out = 64, 1000, 100, 10", "N, D_in, H, D_out = 16, 6, 5, 3"),),
        gpu=TORCH_DATA_GPU + TWO_LAYER_NET_GPU,
    )
)
add(
    Scene(
        "data-loading",
        "PyTorch: loading data can starve the GPU",
        "The same training loop fed three ways: a Dataset in RAM, batches read from disk at "
        "every step, then read ahead by DataLoader worker threads; the device panel shows "
        "waiting vs computing",
        "d1_data_loading.py",
        "pytorch",
        loop="range(2)",
        small=(
            ("N, D_in, H, D_out = 64, 1000, 100, 10", "N, D_in, H, D_out = 4, 6, 5, 3"),
            ("batches = 16", "batches = 4"),
            ("SEEK = 0.005", "SEEK = 0.002"),
        ),
        parts=(
            (
                "ram",
                "data: from RAM",
                "Dataset on RAM (TensorDataset): every batch is ready at once, the loop never "
                "waits",
                "데이터: RAM에서",
                "Dataset on RAM (TensorDataset): 배치가 바로 준비되어 루프가 기다리지 않음",
            ),
            (
                "disk",
                "data: from disk, every step",
                "Each batch is read from its files at every step (page cache dropped; a 5 ms "
                "sleep per read stands in for a hard disk's seek): the loop waits, the GPU idles",
                "데이터: 매 단계 디스크에서",
                "배치마다 파일을 읽음 (페이지 캐시를 비우고, 읽기마다 5 ms sleep이 하드 디스크 "
                "탐색 시간을 대신함): 루프가 기다리고 GPU는 놂",
            ),
            (
                "prefetch",
                "data: prefetched in background threads",
                "DataLoader(num_workers=8): threads read the next batches while the loop "
                "computes; the wait all but vanishes",
                "데이터: 백그라운드 스레드로 미리 읽기",
                "DataLoader(num_workers=8): 루프가 계산하는 동안 스레드가 다음 배치를 읽음 "
                "(병렬화); 기다림이 거의 사라짐",
            ),
        ),
    )
)

# ------------------------------------------------------------------ A3: static vs dynamic

add(
    Scene(
        "two-layer",
        "Static vs dynamic: the two-layer network",
        "Same network: TensorFlow builds the graph once and runs it; PyTorch rebuilds it "
        "every iteration",
        "two_layer.py",
        "static-vs-dynamic",
        small=TORCH_SMALL,
        side_functions=(("static", "tensorflow"), ("eager", "pytorch")),
    )
)
add(
    Scene(
        "serialization",
        "Static vs dynamic: serialization",
        "A static graph is data: train a few steps, save as_graph_def() and the weights, then "
        "a fresh Python process with only the files runs the step (the last graph shown "
        "arrives from the file)",
        "s3_serialization.py",
        "static-vs-dynamic",
        loop="range(5)",
        small=TF_SMALL,
        gpu=(("device='cpu'", "device='gpu'"),),
    )
)
add(
    Scene(
        "conditional",
        "Static vs dynamic: conditional",
        "PyTorch branches with Python's if; TensorFlow needs tf.cond in the graph (note: "
        "tf.less(z, 0) with z = 10 takes f2)",
        "s4_conditional.py",
        "static-vs-dynamic",
        loop=None,
        gpu=(
            ("torch.randn(N, D)", f"torch.randn(N, D, {CUDA})"),
            ("torch.randn(D, H)", f"torch.randn(D, H, {CUDA})"),
        ),
    )
)
add(
    Scene(
        "loops",
        "Static vs dynamic: loops",
        "PyTorch loops in Python and the graph grows each step; TensorFlow builds the loop "
        "into the graph with tf.foldl",
        "s5_loops.py",
        "static-vs-dynamic",
        loop=None,
        gpu=(
            ("torch.randn(D)", f"torch.randn(D, {CUDA})"),
            ("torch.randn(T, D)", f"torch.randn(T, D, {CUDA})"),
        ),
    )
)
