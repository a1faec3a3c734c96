using AutoEncoders.Data;
using AutoEncoders.Models;
using AutoEncoders.Models.Dense;
using AutoEncoders.Objectives;
using AutoEncoders.Runtime;
using AutoEncoders.Training;
using static TorchSharp.torch;

namespace AutoEncoders.Tests.Training;

/// <summary>
/// A checkpoint whose random-generator state has another length: libtorch's set_state aborts the whole process on
/// that (a C++ error no .NET handler sees), so the trainer must refuse it first.
/// </summary>
public sealed class CheckpointGeneratorStateTests
{
    [Fact]
    public void A_generator_state_of_another_length_is_refused_in_one_line_instead_of_aborting()
    {
        using var folder = new TempDirectory();
        string checkpoint = folder.File("run.ckpt");
        var config = new DenseAutoencoderConfig { Layers = [16, 4] };
        var options = new TrainerOptions { Epochs = 1, BatchSize = 8, Seed = 1, Progress = ProgressMode.Silent };
        TorchRuntime.SetSeed(1);
        using (var data = new TensorDataset(rand(32, 16)))
        using (Autoencoder built = config.Build())
        using (var trainer = new Trainer(built, new Objective(), options) { CheckpointPath = checkpoint })
        {
            trainer.Fit(data);
        }

        // TorchSharp writes a tensor as LEB128 numbers (dtype, rank, each dimension) and then its bytes; a generator
        // state is a rank-1 uint8 tensor. Shorten the first one by 15 bytes, keeping the rest of the file aligned.
        long length;
        using (Tensor live = TorchSharp.torch.Generator.Default.get_state())
        {
            length = live.numel();
        }

        byte[] valid = File.ReadAllBytes(checkpoint);
        byte[] marker = [(byte)ScalarType.Byte, 1, .. Leb128(length)];
        int at = valid.AsSpan().IndexOf(marker);
        Assert.True(at > 0, $"no generator state of {length} bytes found in the checkpoint");
        byte[] shorter = [.. valid[..at], (byte)ScalarType.Byte, 1, .. Leb128(length - 15), .. valid[(at + marker.Length + 15)..]];
        File.WriteAllBytes(checkpoint, shorter);

        using Autoencoder model = config.Build();
        using var resuming = new Trainer(model, new Objective(), options);
        var refused = Assert.Throws<InvalidDataException>(() => resuming.LoadCheckpoint(checkpoint));
        Assert.Contains(checkpoint, refused.Message, StringComparison.Ordinal);
        Assert.Contains($"holds {length - 15} values", refused.Message, StringComparison.Ordinal);
        Assert.Contains($"expected {length}", refused.Message, StringComparison.Ordinal);
    }

    private static byte[] Leb128(long value)
    {
        var bytes = new List<byte>();
        do
        {
            byte b = (byte)(value & 0x7F);
            value >>= 7;
            bytes.Add(value != 0 ? (byte)(b | 0x80) : b);
        }
        while (value != 0);
        return [.. bytes];
    }
}
