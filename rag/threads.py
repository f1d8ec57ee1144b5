"""numpy's BLAS on one thread, unless the caller chose: imported first by `rag`, since BLAS reads
these variables when numpy is first imported (a program that imported numpy before `rag` keeps
its own setting).

Every product here is small (a question's vector against a few hundred sentence vectors), where
waking a second thread costs more than it saves: in one process, alternating, `ask`'s work past
the encoding took 2.9 ms this way against 3.3 ms, and a hybrid search's 0.90 ms against 1.04 ms.
The model (onnxruntime, or PyTorch through MKL) and FAISS's OpenMP loops keep their threads.
"""

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # not MKL's or OpenMP's: PyTorch reads those
