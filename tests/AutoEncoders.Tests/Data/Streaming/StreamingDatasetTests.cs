using AutoEncoders.Cli;
using AutoEncoders.Data;
using AutoEncoders.Data.Streaming;
using AutoEncoders.Models;
using AutoEncoders.Models.Dense;
using AutoEncoders.Objectives;
using AutoEncoders.Runtime;
using AutoEncoders.Tests.Training;
using AutoEncoders.Training;
using Parquet;
using Parquet.Schema;
using TorchSharp;
using static TorchSharp.torch;
using TensorDataset = AutoEncoders.Data.TensorDataset;

namespace AutoEncoders.Tests.Data.Streaming;

public sealed class StreamingDatasetTests : IDisposable
{
    private const int Rows = 1000;
    private const int Width = 20;
    private readonly TempDirectory _directory = new();
    private readonly Tensor _values;

    public StreamingDatasetTests()
    {
        using var generator = new Generator(5);
        _values = torch.rand([Rows, Width], generator: generator);
    }

    public void Dispose()
    {
        _values.Dispose();
        _directory.Dispose();
    }

    [Fact]
    public void A_file_of_one_block_gives_the_in_memory_batches_for_the_same_seed()
    {
        using StreamingDataset stream = StreamingDataset.Open(WriteNpy("one.npy", _values), blockRows: Rows);
        using var inMemory = new TensorDataset(_values.clone());
        Assert.Equal(1, stream.BlockCount);
        AssertSameBatches(inMemory.Batches(64, shuffle: true, generator: new Generator(3)), stream.Batches(64, shuffle: true, generator: new Generator(3)));
    }

    [Fact]
    public void Unshuffled_batches_are_the_rows_in_file_order_across_blocks()
    {
        using StreamingDataset stream = StreamingDataset.Open(WriteNpy("ordered.npy", _values), blockRows: 300);
        using var inMemory = new TensorDataset(_values.clone());
        Assert.Equal(4, stream.BlockCount);
        AssertSameBatches(inMemory.Batches(64), stream.Batches(64));
    }

    [Fact]
    public void Shuffled_blocks_follow_the_documented_order_block_permutation_then_rows_within_each()
    {
        using StreamingDataset stream = StreamingDataset.Open(WriteNpy("blocks.npy", _values), blockRows: 300);

        // The order docs/streaming.md states: randperm(blocks), then randperm(rows of the block) as each is reached.
        using var reference = new Generator(11);
        var order = new List<long>();
        foreach (long block in torch.randperm(4, generator: reference).data<long>().ToArray())
        {
            long start = block * 300, rows = Math.Min(300, Rows - start);
            order.AddRange(torch.randperm(rows, generator: reference).data<long>().ToArray().Select(r => start + r));
        }

        Assert.Equal(Rows, order.Distinct().Count());
        using Tensor expected = _values.index_select(0, torch.tensor(order.ToArray()));
        using Tensor drawn = torch.cat([.. stream.Batches(64, shuffle: true, generator: new Generator(11)).Select(b => b.Features.clone())]);
        Assert.True(expected.equal(drawn).all().item<bool>(), "the streamed epoch is not the documented order");
        Assert.False(_values.equal(drawn).all().item<bool>(), "the epoch was not shuffled");
    }

    [Fact]
    public void Skipping_batches_continues_the_same_epoch()
    {
        using StreamingDataset stream = StreamingDataset.Open(WriteNpy("skip.npy", _values), blockRows: 300);
        List<Tensor> all = [.. stream.Batches(64, shuffle: true, generator: new Generator(2)).Select(b => b.Features.clone())];
        List<Tensor> rest = [.. stream.Batches(64, shuffle: true, generator: new Generator(2), skip: 7).Select(b => b.Features.clone())];
        Assert.Equal(all.Count - 7, rest.Count);
        for (int i = 0; i < rest.Count; i++)
        {
            Assert.True(all[i + 7].equal(rest[i]).all().item<bool>(), $"batch {i + 7} differs after skipping");
        }
    }

    [Fact]
    public void A_parquet_file_gives_the_batches_of_the_same_npy_file_when_its_row_groups_are_the_blocks()
    {
        using StreamingDataset npy = StreamingDataset.Open(WriteNpy("same.npy", _values), blockRows: 300);
        using StreamingDataset parquet = StreamingDataset.Open(WriteParquet("same.parquet", _values, groupRows: 300));
        Assert.Equal(npy.BlockCount, parquet.BlockCount);
        Assert.Equal(npy.SampleShape, parquet.SampleShape);
        AssertSameBatches(npy.Batches(64, shuffle: true, generator: new Generator(4)), parquet.Batches(64, shuffle: true, generator: new Generator(4)));
    }

    [Fact]
    public void Resuming_a_streamed_run_gives_the_weights_of_an_uninterrupted_run_bit_for_bit()
    {
        string path = WriteNpy("train.npy", _values);
        var config = new DenseAutoencoderConfig { Layers = [Width, 12, 4], Dropout = 0.1 };
        var options = new TrainerOptions { Epochs = 3, BatchSize = 64, Seed = 9, Progress = ProgressMode.Silent };

        TorchRuntime.SetSeed(21);
        using Autoencoder reference = config.Build();
        using (StreamingDataset data = StreamingDataset.Open(path, blockRows: 300))
        using (var trainer = new Trainer(reference, new Objective(), options))
        {
            trainer.Fit(data);
        }

        // Batch 5 of epoch 2 ends inside the second block of that epoch's order: the resume must re-enter it.
        string checkpoint = _directory.File("run.ckpt");
        TorchRuntime.SetSeed(21);
        using (Autoencoder interrupted = config.Build())
        using (StreamingDataset data = StreamingDataset.Open(path, blockRows: 300))
        using (var trainer = new Trainer(interrupted, new Objective(), options) { CheckpointPath = checkpoint })
        using (var cancellation = new CancellationTokenSource())
        {
            trainer.Callbacks.Add(new CancelAt(epoch: 2, batch: 6, cancellation));
            Assert.True(trainer.Fit(data, cancellationToken: cancellation.Token).Interrupted);
        }

        TorchRuntime.SetSeed(999);
        using Autoencoder resumed = config.Build();
        using (StreamingDataset data = StreamingDataset.Open(path, blockRows: 300))
        using (var trainer = new Trainer(resumed, new Objective(), options))
        {
            Assert.Equal(3, trainer.Fit(data, resumeFrom: checkpoint).Epochs.Count);
        }

        foreach ((string name, Tensor expected) in reference.state_dict())
        {
            Assert.True(expected.equal(resumed.state_dict()[name]).all().item<bool>(), $"{name} differs after resuming");
        }

        // The same file in other blocks would be another order: the resume is refused, naming both layouts.
        using Autoencoder other = config.Build();
        using StreamingDataset reblocked = StreamingDataset.Open(path, blockRows: 200);
        using var refused = new Trainer(other, new Objective(), options);
        var error = Assert.Throws<InvalidOperationException>(() => refused.Fit(reblocked, resumeFrom: checkpoint));
        Assert.Contains("4 blocks of 300 rows", error.Message, StringComparison.Ordinal);
        Assert.Contains("5 blocks of 200 rows", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_npy_files_are_refused_naming_the_file_and_the_place()
    {
        byte[] good = NpyFile.ToBytes(_values);
        string truncated = _directory.Write("truncated.npy", good[..5000]);
        Assert.Contains("offset 128: the shape (1000, 20) needs more than 4872 bytes", Refusal(truncated), StringComparison.Ordinal);

        using Tensor doubles = _values.to_type(ScalarType.Float64);
        Assert.Contains("expected float32 values (<f4) to stream; found float64", Refusal(WriteNpy("doubles.npy", doubles)), StringComparison.Ordinal);

        byte[] fortran = NpyFile.ToBytes(_values.narrow(0, 0, 4));
        byte[] flag = System.Text.Encoding.ASCII.GetBytes("'fortran_order': False");
        int at = fortran.AsSpan().IndexOf(flag);
        System.Text.Encoding.ASCII.GetBytes("'fortran_order': True ").CopyTo(fortran, at);
        Assert.Contains("Fortran-ordered arrays are not supported", Refusal(_directory.Write("fortran.npy", fortran)), StringComparison.Ordinal);

        using Tensor withNaN = _values.clone();
        withNaN[637, 13] = torch.tensor(float.NaN);
        Assert.Contains("nan.npy: row 637, value 13: expected a finite number; found NaN.", Refusal(WriteNpy("nan.npy", withNaN), read: true), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_parquet_files_are_refused_naming_the_file_row_and_column()
    {
        string text = _directory.File("text.parquet");
        var number = new DataField<float>("height");
        var name = new DataField<string>("name");
        await using (FileStream stream = File.Create(text))
        await using (ParquetWriter writer = await ParquetWriter.CreateAsync(new ParquetSchema(number, name), stream))
        using (ParquetRowGroupWriter group = writer.CreateRowGroup())
        {
            await group.WriteAsync<float>(number, new float[] { 1, 2 });
            await group.WriteAsync(name, new[] { "a", "b" });
        }

        Assert.Contains("text.parquet: column 'name': expected a numeric column (float, double or integer) to use as a feature; found text.", Refusal(text), StringComparison.Ordinal);

        using Tensor withNaN = _values.clone();
        withNaN[450, 3] = torch.tensor(float.NaN);
        Assert.Contains("nan.parquet: row 450, column 'x3': expected a finite number; found NaN.", Refusal(WriteParquet("nan.parquet", withNaN, 300), read: true), StringComparison.Ordinal);

        string empty = _directory.File("null.parquet");
        var nullable = new DataField<double?>("weight");
        await using (FileStream stream = File.Create(empty))
        await using (ParquetWriter writer = await ParquetWriter.CreateAsync(new ParquetSchema(nullable), stream))
        using (ParquetRowGroupWriter group = writer.CreateRowGroup())
        {
            await group.WriteAsync<double>(nullable, new double?[] { 1, null, 3 });
        }

        Assert.Contains("null.parquet: row 1, column 'weight': expected a number; found an empty cell (null).", Refusal(empty, read: true), StringComparison.Ordinal);
    }

    [Fact]
    public void Ae_train_streams_a_file_and_refuses_a_bad_one_in_one_line()
    {
        string path = WriteNpy("cli.npy", _values);
        string runs = _directory.File("runs");
        var output = new StringWriter();
        var error = new StringWriter();
        int code = AeApplication.Run(["train", "--array", path, "--stream", "--block-rows", "300", "--layers", "20,8", "--loss", "mse", "--epochs", "1", "--out", runs, "--progress", "silent", "--threads", "1"], output, error);
        Assert.True(code == 0, error.ToString());
        Assert.Contains("cli.npy: 1000 samples of [20] (streamed in 4 blocks)", output.ToString(), StringComparison.Ordinal);

        using Tensor withNaN = _values.clone();
        withNaN[999, 0] = torch.tensor(float.PositiveInfinity);
        error = new StringWriter();
        code = AeApplication.Run(["train", "--array", WriteNpy("inf.npy", withNaN), "--stream", "--layers", "20,8", "--epochs", "1", "--out", runs, "--progress", "silent", "--threads", "1"], new StringWriter(), error);
        Assert.Equal(1, code);
        string line = Assert.Single(error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal($"error: {_directory.File("inf.npy")}: row 999, value 0: expected a finite number; found ∞.", line.Replace("Infinity", "∞", StringComparison.Ordinal));
    }

    private static void AssertSameBatches(IEnumerable<Batch> expected, IEnumerable<Batch> actual)
    {
        List<Tensor> a = [.. expected.Select(b => b.Features.clone())];
        List<Tensor> b = [.. actual.Select(b => b.Features.clone())];
        Assert.Equal(a.Count, b.Count);
        for (int i = 0; i < a.Count; i++)
        {
            Assert.True(a[i].equal(b[i]).all().item<bool>(), $"batch {i} differs");
        }
    }

    // The refusal's message: at opening, or (read: true) once every block has been read.
    private static string Refusal(string path, bool read = false) =>
        Assert.Throws<DataFormatException>(() =>
        {
            using StreamingDataset data = StreamingDataset.Open(path);
            if (read)
            {
                foreach (Batch _ in data.Batches(64))
                {
                }
            }
        }).Message;

    private string WriteNpy(string name, Tensor values)
    {
        string path = _directory.File(name);
        NpyFile.Write(path, values);
        return path;
    }

    private string WriteParquet(string name, Tensor values, int groupRows)
    {
        string path = _directory.File(name);
        float[] all = values.data<float>().ToArray();
        int rows = (int)values.shape[0], width = (int)values.shape[1];
        DataField<float>[] fields = [.. Enumerable.Range(0, width).Select(c => new DataField<float>($"x{c}"))];
        using FileStream stream = File.Create(path);
        ParquetWriter writer = ParquetWriter.CreateAsync(new ParquetSchema(fields), stream).GetAwaiter().GetResult();
        try
        {
            for (int start = 0; start < rows; start += groupRows)
            {
                int n = Math.Min(groupRows, rows - start);
                using ParquetRowGroupWriter group = writer.CreateRowGroup();
                for (int c = 0; c < width; c++)
                {
                    float[] column = [.. Enumerable.Range(start, n).Select(r => all[(r * width) + c])];
                    group.WriteAsync<float>(fields[c], column.AsMemory()).GetAwaiter().GetResult();
                }
            }
        }
        finally
        {
            writer.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }

        return path;
    }
}
