using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Interop.PyTorch;

/// <summary>
/// One tensor of a safetensors file: its name, its dtype as the format spells it ("F32", "I64", ...), its shape and
/// its raw little-endian bytes in row-major order.
/// </summary>
/// <param name="Name">The tensor's name (a state-dictionary key such as "encoder.0.weight").</param>
/// <param name="DType">The safetensors dtype: F64, F32, F16, BF16, I64, I32, I16, I8, U8 or BOOL.</param>
/// <param name="Shape">The shape; empty for a scalar.</param>
/// <param name="Data">The elements' bytes.</param>
public sealed record SafetensorsTensor(string Name, string DType, IReadOnlyList<long> Shape, ReadOnlyMemory<byte> Data)
{
    /// <summary>Number of elements (1 for a scalar).</summary>
    public long ElementCount => Shape.Aggregate(1L, (product, size) => product * size);

    /// <summary>Bytes per element of <paramref name="dtype"/>, or 0 for a dtype this reader does not know.</summary>
    public static int ElementSize(string dtype) => dtype switch
    {
        "F64" or "I64" => 8,
        "F32" or "I32" => 4,
        "F16" or "BF16" or "I16" => 2,
        "I8" or "U8" or "BOOL" => 1,
        _ => 0,
    };

    /// <summary>The shape as PyTorch prints it, e.g. [32, 784].</summary>
    public static string FormatShape(IEnumerable<long> shape) => $"[{string.Join(", ", shape)}]";

    /// <summary>A copy of <paramref name="tensor"/> (detached, on the CPU) named <paramref name="name"/>.</summary>
    /// <exception cref="NotSupportedException">The tensor's dtype has no safetensors name (complex numbers).</exception>
    public static SafetensorsTensor FromTensor(string name, Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        using var scope = torch.NewDisposeScope();
        Tensor cpu = tensor.detach().cpu().contiguous();
        return new SafetensorsTensor(name, DTypeOf(cpu.dtype), cpu.shape, cpu.bytes.ToArray());
    }

    /// <summary>A new CPU tensor holding these elements, in the dtype the file names.</summary>
    public Tensor ToTensor()
    {
        Tensor tensor = torch.empty(Shape.ToArray(), DType switch
        {
            "F64" => ScalarType.Float64,
            "F32" => ScalarType.Float32,
            "F16" => ScalarType.Float16,
            "BF16" => ScalarType.BFloat16,
            "I64" => ScalarType.Int64,
            "I32" => ScalarType.Int32,
            "I16" => ScalarType.Int16,
            "I8" => ScalarType.Int8,
            "U8" => ScalarType.Byte,
            "BOOL" => ScalarType.Bool,
            _ => throw new NotSupportedException($"tensor '{Name}': safetensors dtype {DType} is not read here."),
        });
        tensor.bytes = Data.ToArray();
        return tensor;
    }

    /// <summary>The safetensors name of a TorchSharp dtype ("F32" for float32, ...).</summary>
    /// <exception cref="NotSupportedException">The dtype has no safetensors name.</exception>
    public static string DTypeOf(ScalarType type) => type switch
    {
        ScalarType.Float64 => "F64",
        ScalarType.Float32 => "F32",
        ScalarType.Float16 => "F16",
        ScalarType.BFloat16 => "BF16",
        ScalarType.Int64 => "I64",
        ScalarType.Int32 => "I32",
        ScalarType.Int16 => "I16",
        ScalarType.Int8 => "I8",
        ScalarType.Byte => "U8",
        ScalarType.Bool => "BOOL",
        _ => throw new NotSupportedException($"dtype {type} has no safetensors equivalent."),
    };
}
