// stream-bench gen-npy FILE ROWS FEATURES | gen-parquet FILE ROWS FEATURES ROWS_PER_GROUP | train FILE stream|memory STEPS
// Prints one JSON line per train run: throughput over the steps after a warm-up and the process's peak resident memory.
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using AutoEncoders.Data;
using AutoEncoders.Data.Streaming;
using AutoEncoders.Models.Dense;
using AutoEncoders.Objectives;
using AutoEncoders.Training;
using Parquet;
using Parquet.Schema;
using TorchSharp;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
string command = args[0];
string file = args[1];
switch (command)
{
    case "gen-npy":
        WriteNpy(file, long.Parse(args[2], CultureInfo.InvariantCulture), int.Parse(args[3], CultureInfo.InvariantCulture));
        break;
    case "gen-parquet":
        await WriteParquet(file, long.Parse(args[2], CultureInfo.InvariantCulture), int.Parse(args[3], CultureInfo.InvariantCulture), int.Parse(args[4], CultureInfo.InvariantCulture));
        break;
    case "iterate":
        Iterate(file, int.Parse(args[2], CultureInfo.InvariantCulture));
        break;
    case "train":
        Train(file, args[2] == "stream", int.Parse(args[3], CultureInfo.InvariantCulture));
        break;
    default:
        Console.Error.WriteLine($"unknown command {command}");
        return 1;
}

return 0;

// Values in [0, 1) from a fixed seed, written a chunk at a time (the file never exists in memory).
static void WriteNpy(string path, long rows, int features)
{
    string header = $"{{'descr': '<f4', 'fortran_order': False, 'shape': ({rows}, {features}), }}";
    int total = 10 + header.Length + 1;
    header = header.PadRight(header.Length + ((64 - (total % 64)) % 64)) + "\n";
    using FileStream stream = File.Create(path);
    stream.Write([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0]);
    stream.Write(BitConverter.GetBytes((ushort)header.Length));
    stream.Write(Encoding.ASCII.GetBytes(header));
    var random = new Random(1);
    float[] chunk = new float[features * 4096];
    for (long done = 0; done < rows; done += 4096)
    {
        int n = (int)Math.Min(4096, rows - done) * features;
        for (int i = 0; i < n; i++)
        {
            chunk[i] = random.NextSingle();
        }

        stream.Write(MemoryMarshal.AsBytes(chunk.AsSpan(0, n)));
    }
}

static async Task WriteParquet(string path, long rows, int features, int groupRows)
{
    DataField<float>[] fields = [.. Enumerable.Range(0, features).Select(c => new DataField<float>($"x{c}"))];
    await using FileStream stream = File.Create(path);
    await using ParquetWriter writer = await ParquetWriter.CreateAsync(new ParquetSchema(fields), stream, new ParquetOptions { CompressionMethod = CompressionMethod.None });
    var random = new Random(1);
    float[][] columns = [.. fields.Select(_ => new float[groupRows])];
    for (long done = 0; done < rows; done += groupRows)
    {
        int n = (int)Math.Min(groupRows, rows - done);
        for (int r = 0; r < n; r++)
        {
            for (int c = 0; c < features; c++)
            {
                columns[c][r] = random.NextSingle();
            }
        }

        using ParquetRowGroupWriter group = writer.CreateRowGroup();
        for (int c = 0; c < features; c++)
        {
            await group.WriteAsync<float>(fields[c], columns[c].AsMemory(0, n));
        }
    }
}

// Draws every batch of EPOCHS shuffled epochs without training, printing the resident memory after each.
static void Iterate(string path, int epochs)
{
    using StreamingDataset file = StreamingDataset.Open(path);
    using IBatchSource data = Environment.GetEnvironmentVariable("IN_MEMORY") == "1" ? file.ToDataset() : file;
    using var generator = new torch.Generator(1);
    for (int e = 0; e < epochs; e++)
    {
        var clock = Stopwatch.StartNew();
        foreach (Batch batch in data.Batches(256, shuffle: true, generator: generator))
        {
            _ = batch.Size;
        }

        if (Environment.GetEnvironmentVariable("GC_EACH_EPOCH") == "1")
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }

        string status = File.ReadAllText("/proc/self/status");
        Console.WriteLine(clock.Elapsed.TotalSeconds.ToString("F3", CultureInfo.InvariantCulture) + " s " + string.Join(" ", status.Split('\n').Where(l => l.StartsWith("VmRSS", StringComparison.Ordinal) || l.StartsWith("VmHWM", StringComparison.Ordinal))));
    }
}

// A 784-128-32 dense autoencoder (MSE, Adam, batch 256) for STEPS steps; the first 20 are a warm-up and not timed.
static void Train(string path, bool stream, int steps)
{
    const int warmup = 20;
    int threads = int.Parse(Environment.GetEnvironmentVariable("AE_THREADS") ?? "1", CultureInfo.InvariantCulture);
    torch.set_num_threads(threads);
    var load = Stopwatch.StartNew();
    using StreamingDataset file = StreamingDataset.Open(path);
    using IBatchSource data = stream ? file : file.ToDataset();
    double loadSeconds = load.Elapsed.TotalSeconds;
    var config = new DenseAutoencoderConfig { Layers = [(int)data.SampleSize, 128, 32] };
    using var model = config.Build();
    var options = new TrainerOptions { Epochs = 100_000, BatchSize = 256, Seed = 1, Progress = ProgressMode.Silent };
    using var trainer = new Trainer(model, new Objective { Reconstruction = new MeanSquaredError() }, options);
    using var cancellation = new CancellationTokenSource();
    var clock = new StepClock(warmup, steps, cancellation);
    trainer.Callbacks.Add(clock);
    trainer.Fit(data, cancellationToken: cancellation.Token);
    double seconds = clock.Seconds;
    string status = File.ReadAllText("/proc/self/status");
    long peakKb = long.Parse(status.Split('\n').First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
    Console.WriteLine(JsonSerializer.Serialize(new
    {
        file = Path.GetFileName(path),
        bytes = new FileInfo(path).Length,
        mode = stream ? "stream" : "memory",
        rows = data.Count,
        blocks = file.BlockCount,
        threads,
        load_seconds = Math.Round(loadSeconds, 2),
        timed_steps = steps - warmup,
        samples_per_second = Math.Round((steps - warmup) * 256 / seconds, 1),
        peak_resident_mb = Math.Round(peakKb / 1024.0, 1),
        loadavg = File.ReadAllText("/proc/loadavg").Trim(),
    }));
}

/// <summary>Times the steps after a warm-up and stops the run after the last one.</summary>
internal sealed class StepClock(int warmup, int steps, CancellationTokenSource stop) : ITrainingCallback
{
    private readonly Stopwatch _clock = new();

    public double Seconds => _clock.Elapsed.TotalSeconds;

    public void OnBatchEnd(Trainer trainer, BatchProgress progress)
    {
        if (trainer.Step == warmup)
        {
            _clock.Restart();
        }
        else if (trainer.Step >= steps)
        {
            _clock.Stop();
            stop.Cancel();
        }
    }
}
