/*
 * fuzz: libFuzzer targets (`make fuzz FUZZ_SECONDS=N`), one file per
 * parser, fuzz_<target>.c. Each target feeds the bytes to the real code
 * and checks what must hold for every input (no crash, no leak, no
 * undefined behaviour under ASan/UBSan, plus the target's own oracle).
 * Seed corpora: fuzz/corpus/<target>/.
 */
#ifndef POPGATE_FUZZ_H
#define POPGATE_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int	LLVMFuzzerInitialize(int *argc, char ***argv);

#endif
