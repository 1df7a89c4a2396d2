"""Writes a tiny llama-architecture GGUF whose every next token is "▁ok".

Usage: python make_tiny_gguf.py OUT.gguf

The transformer block's weights are zero, so the hidden state is just the token's
embedding, and every embedding points the same way (dimension 0). The output
matrix has a single non-zero row, for "▁ok", so whatever the prompt, the model
answers " ok ok ok ..." until max_tokens. The vocabulary is the SentencePiece
minimum llama.cpp needs (<unk>, <s>, </s> and the 256 byte tokens) plus "▁ok".
"""
import sys

import gguf
import numpy as np

N_EMBD, N_HEAD, N_FF, N_CTX = 32, 2, 64, 1024
NORMAL, UNKNOWN, CONTROL, BYTE = 1, 2, 3, 6

tokens = ["<unk>", "<s>", "</s>"] + [f"<0x{b:02X}>" for b in range(256)] + ["▁ok"]
types = [UNKNOWN, CONTROL, CONTROL] + [BYTE] * 256 + [NORMAL]
OK = tokens.index("▁ok")
n_vocab = len(tokens)

w = gguf.GGUFWriter(sys.argv[1], "llama")
w.add_name("tiny-ok")
w.add_context_length(N_CTX)
w.add_embedding_length(N_EMBD)
w.add_block_count(1)
w.add_feed_forward_length(N_FF)
w.add_head_count(N_HEAD)
w.add_head_count_kv(N_HEAD)
w.add_layer_norm_rms_eps(1e-5)
w.add_rope_dimension_count(N_EMBD // N_HEAD)
w.add_tokenizer_model("llama")
w.add_token_list(tokens)
w.add_token_scores([0.0] * n_vocab)
w.add_token_types(types)
w.add_bos_token_id(1)
w.add_eos_token_id(2)
w.add_unk_token_id(0)
w.add_add_bos_token(True)
w.add_chat_template(
    "{% for m in messages %}<|{{ m['role'] }}|>\n{{ m['content'] }}\n{% endfor %}"
    "{% if add_generation_prompt %}<|assistant|>\n{% endif %}"
)

f32 = np.float32
embed = np.zeros((n_vocab, N_EMBD), f32)
embed[:, 0] = 1.0                       # every token: the same direction
output = np.zeros((n_vocab, N_EMBD), f32)
output[OK, 0] = 10.0                    # that direction means "▁ok"
zeros = lambda *shape: np.zeros(shape, f32)
ones = lambda n: np.ones(n, f32)

w.add_tensor("token_embd.weight", embed)
w.add_tensor("output_norm.weight", ones(N_EMBD))
w.add_tensor("output.weight", output)
w.add_tensor("blk.0.attn_norm.weight", ones(N_EMBD))
for name in ("attn_q", "attn_k", "attn_v", "attn_output"):
    w.add_tensor(f"blk.0.{name}.weight", zeros(N_EMBD, N_EMBD))
w.add_tensor("blk.0.ffn_norm.weight", ones(N_EMBD))
w.add_tensor("blk.0.ffn_gate.weight", zeros(N_FF, N_EMBD))
w.add_tensor("blk.0.ffn_up.weight", zeros(N_FF, N_EMBD))
w.add_tensor("blk.0.ffn_down.weight", zeros(N_EMBD, N_FF))

w.write_header_to_file()
w.write_kv_data_to_file()
w.write_tensors_to_file()
w.close()
