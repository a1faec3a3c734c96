using System.Buffers.Binary;
using System.Text;
using AutoEncoders.Models;
using AutoEncoders.Models.Dense;
using AutoEncoders.Objectives;
using AutoEncoders.Runtime;
using AutoEncoders.Training;
using AutoEncoders.Training.Callbacks;
using TensorDataset = AutoEncoders.Data.TensorDataset;

namespace AutoEncoders.Tests.Training;

public sealed class TensorBoardLoggerTests(MnistFixture mnist) : IClassFixture<MnistFixture>
{
    [Fact]
    public void The_writer_leaves_a_valid_event_file_with_the_scalars_histograms_and_pictures()
    {
        using var directory = new TempDirectory();
        TensorDataset data = mnist.First(128);
        TorchRuntime.SetSeed(2);
        using Autoencoder model = new DenseAutoencoderConfig { Layers = [784, 16] }.Build();
        using (var trainer = new Trainer(model, new Objective { Reconstruction = new BinaryCrossEntropy() }, new TrainerOptions { Epochs = 2, BatchSize = 64, ValidationSplit = 0.25, Progress = ProgressMode.Silent }))
        {
            trainer.Callbacks.Add(new TensorBoardLogger(directory.Path, data.Features.narrow(0, 0, 4)));
            trainer.Fit(data);
        }

        string file = Assert.Single(Directory.GetFiles(directory.Path, "events.out.tfevents.*"));
        List<byte[]> records = ReadRecords(File.ReadAllBytes(file));

        // The first record is the file-version event; then per epoch 2 train, 2 validation, 2 more scalars, 4 histograms, 1 picture.
        Assert.Contains("brain.Event:2", Encoding.ASCII.GetString(records[0]), StringComparison.Ordinal);
        Assert.Equal(1 + (2 * 11), records.Count);
        string all = string.Join('\n', records.Select(Encoding.ASCII.GetString));
        foreach (string tag in new[] { "train/loss", "train/bce", "val/loss", "val/bce", "learning_rate", "samples_per_second", "weights/encoder.0.weight", "reconstructions" })
        {
            Assert.Contains(tag, all, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Reconstruction_pictures_are_written_every_n_epochs_without_changing_the_run()
    {
        using var directory = new TempDirectory();
        TensorDataset data = mnist.First(128);
        var options = new TrainerOptions { Epochs = 4, BatchSize = 64, Seed = 1, Progress = ProgressMode.Silent };
        TorchRuntime.SetSeed(2);
        using Autoencoder plain = new DenseAutoencoderConfig { Layers = [784, 16], Dropout = 0.1 }.Build();
        using (var trainer = new Trainer(plain, new Objective(), options))
        {
            trainer.Fit(data);
        }

        TorchRuntime.SetSeed(2);
        using Autoencoder watched = new DenseAutoencoderConfig { Layers = [784, 16], Dropout = 0.1 }.Build();
        using var pictures = new ReconstructionPictures(directory.Path, data.Features, AutoEncoders.Visualization.ImageLayout.Infer(data.SampleShape), every: 2, count: 6);
        using (var trainer = new Trainer(watched, new Objective(), options))
        {
            trainer.Callbacks.Add(pictures);
            trainer.Fit(data);
        }

        Assert.Equal(["reconstructions-epoch-002.png", "reconstructions-epoch-004.png"], pictures.Written.Select(Path.GetFileName));
        Assert.All(pictures.Written, p => Assert.True(new FileInfo(p).Length > 1000, $"{p} should be a picture"));
        Assert.True(plain.state_dict()["encoder.0.weight"].equal(watched.state_dict()["encoder.0.weight"]).all().item<bool>(), "drawing pictures must not change the training");
    }

    // TFRecord framing: uint64 length, masked CRC-32C of the length, the data, masked CRC-32C of the data.
    private static List<byte[]> ReadRecords(byte[] bytes)
    {
        var records = new List<byte[]>();
        int offset = 0;
        while (offset < bytes.Length)
        {
            ReadOnlySpan<byte> header = bytes.AsSpan(offset, 8);
            ulong length = BinaryPrimitives.ReadUInt64LittleEndian(header);
            Assert.Equal(Masked(header), BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(offset + 8, 4)));
            byte[] data = bytes.AsSpan(offset + 12, (int)length).ToArray();
            Assert.Equal(Masked(data), BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(offset + 12 + (int)length, 4)));
            records.Add(data);
            offset += 16 + (int)length;
        }

        return records;
    }

    private static uint Masked(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F63B78 : crc >> 1;
            }
        }

        crc = ~crc;
        return ((crc >> 15) | (crc << 17)) + 0xA282EAD8;
    }
}
