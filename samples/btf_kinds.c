// Exercises the BTF kinds the loader decodes: DECL_TAG, TYPE_TAG, ENUM64, UNION, bitfields (kind flag),
// FWD, RESTRICT, plus FUNC/FUNC_PROTO/VAR/DATASEC, on a sample_ext program that reads them.
#include "bpf_helpers.h"
#include "sample_ext_helpers.h"

#define __tag(x) __attribute__((btf_decl_tag(x)))
#define __user __attribute__((btf_type_tag("user")))

enum wide_values
{
    WIDE_SMALL = 1,
    WIDE_LARGE = 0x100000000ULL,
};

struct flags
{
    uint32_t low : 3;
    uint32_t middle : 13;
    uint32_t high : 16;
};

union word
{
    uint32_t value;
    uint8_t bytes[4];
};

struct opaque; // never defined: a FWD

struct tagged
{
    int counter __tag("counter-field");
    int __user* user_pointer;
    struct opaque* hidden;
};

struct tagged tagged_state __tag("global-state");
enum wide_values wide = WIDE_LARGE;
struct flags packed_flags = {1, 2, 3};
union word word_value = {.value = 0x01020304};

static __noinline __tag("helper-function") int read_word(const union word* restrict source)
{
    return source->bytes[0] + packed_flags.middle;
}

SEC("sample_ext")
int use_kinds(sample_program_context_t* ctx)
{
    tagged_state.counter++;
    return read_word(&word_value) + (int)(wide >> 32) + ctx->uint16_data;
}

char _license[] SEC("license") = "MIT";
