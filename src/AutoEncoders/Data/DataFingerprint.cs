using System.Runtime.InteropServices;
using System.Security.Cryptography;
using AutoEncoders.Data.Streaming;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Data;

/// <summary>Identifies the data a model was trained on: name, size, sample shape and a SHA-256 of the float32 values and labels.</summary>
public sealed record DataFingerprint
{
    /// <summary>Dataset name, e.g. "fashion-mnist/train".</summary>
    public string Name { get; init; } = string.Empty;

    /// <summary>Number of samples.</summary>
    public long Count { get; init; }

    /// <summary>Shape of one sample.</summary>
    public IReadOnlyList<long> SampleShape { get; init; } = [];

    /// <summary>SHA-256 (hex) of the float32 feature bytes followed by the int64 label bytes.</summary>
    public string Sha256 { get; init; } = string.Empty;

    /// <summary>Caveats carried over from the dataset (e.g. "10k slice").</summary>
    public string? Note { get; init; }

    /// <summary>Computes the fingerprint of <paramref name="data"/>.</summary>
    public static DataFingerprint Of(TensorDataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using (var scope = torch.NewDisposeScope())
        {
            Tensor features = data.Features.cpu().contiguous();
            hash.AppendData(MemoryMarshal.AsBytes(features.data<float>().ToArray().AsSpan()));
            if (data.Labels is not null)
            {
                hash.AppendData(MemoryMarshal.AsBytes(data.Labels.cpu().contiguous().data<long>().ToArray().AsSpan()));
            }
        }

        return new DataFingerprint
        {
            Name = data.Name,
            Count = data.Count,
            SampleShape = data.SampleShape,
            Sha256 = Convert.ToHexStringLower(hash.GetHashAndReset()),
            Note = data.Note,
        };
    }

    /// <summary>
    /// The fingerprint of data streamed from a file: name, size and shape, with no hash (hashing would read the whole
    /// file once more); the note says so.
    /// </summary>
    public static DataFingerprint OfStream(IBatchSource data)
    {
        ArgumentNullException.ThrowIfNull(data);
        return new DataFingerprint
        {
            Name = data.Name,
            Count = data.Count,
            SampleShape = data.SampleShape,
            Note = "streamed from the file in blocks; not hashed",
        };
    }
}
