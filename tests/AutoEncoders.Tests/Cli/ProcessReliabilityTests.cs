using System.Diagnostics;
using AutoEncoders.Applications.Search;
using AutoEncoders.Persistence;
using TorchSharp;
using Xunit.Abstractions;

namespace AutoEncoders.Tests.Cli;

/// <summary>
/// Issue 14's faults and races with real `ae` processes: kill -9 (including during a checkpoint write) resumes to the
/// same bytes, SIGTERM saves a checkpoint like Ctrl-C, a run is held by one process at a time, and concurrent appends
/// to one index all land.
/// </summary>
public sealed class ProcessReliabilityTests(ITestOutputHelper log)
{
    private const int Epochs = 20;
    private const int LongEpochs = 200;

    [Fact]
    public void Three_kill_9s_one_during_a_checkpoint_write_resume_to_weights_byte_identical_to_an_uninterrupted_run()
    {
        using var directory = new TempDirectory();
        string recipe = Recipe(directory);
        CliRun reference = AeProcess.Run(300, "train", "--recipe", recipe, "--out", directory.File("reference"), "--threads", "1", "--progress", "lines");
        Assert.True(reference.ExitCode == 0, reference.Error);
        byte[] expected = File.ReadAllBytes(Path.Combine(Directory.GetDirectories(directory.File("reference")).Single(), "weights.bin"));

        var random = new Random(14);
        string runs = directory.File("killed");
        AeProcess process = AeProcess.Start("train", "--recipe", recipe, "--out", runs, "--threads", "1", "--progress", "lines");
        string run = WaitFor(() => Directory.Exists(runs) ? Directory.GetDirectories(runs).SingleOrDefault() : null, process);
        string checkpoint = Path.Combine(run, RunDirectory.CheckpointFile);

        // Kill 1: a random moment after the first checkpoint.
        WaitFor(() => File.Exists(checkpoint) ? checkpoint : null, process);
        Thread.Sleep(random.Next(0, 200));
        Assert.False(process.HasExited, "the run ended before the first kill; give it more epochs");
        process.KillHard();
        process.Dispose();

        // Kill 2: the moment a checkpoint's temporary file appears, so that the write is cut short.
        int caughtMidWrite = 0;
        int tries = 0;
        for (; tries < 5 && caughtMidWrite == 0; tries++)
        {
            process = AeProcess.Start("train", "--resume", run, "--threads", "1", "--progress", "lines");
            string temporary = Path.Combine(run, $".{RunDirectory.CheckpointFile}.{process.Id}.tmp");
            WaitFor(() => File.Exists(temporary) ? temporary : null, process, pollMilliseconds: 0);
            process.KillHard();
            process.Dispose();
            caughtMidWrite += File.Exists(temporary) ? 1 : 0;
        }

        Assert.True(caughtMidWrite == 1, "no kill landed during a checkpoint write in 5 tries");
        log.WriteLine($"kill 2 landed during a checkpoint write on try {tries}");
        Assert.NotEmpty(Directory.GetFiles(run, $".{RunDirectory.CheckpointFile}.*.tmp"));

        // Kill 3: a random moment of training, shortly after the resumed run's first checkpoint (timed by progress,
        // not by the clock, so that a fast machine does not finish the run first).
        DateTime before = File.GetLastWriteTimeUtc(checkpoint);
        process = AeProcess.Start("train", "--resume", run, "--threads", "1", "--progress", "lines");
        WaitFor(() => File.GetLastWriteTimeUtc(checkpoint) > before ? checkpoint : null, process, pollMilliseconds: 1);
        Thread.Sleep(random.Next(0, 100));
        bool killedWhileRunning = !process.HasExited;
        process.KillHard();
        process.Dispose();
        Assert.True(killedWhileRunning, "the resumed run ended before the third kill");

        CliRun finished = AeProcess.Run(300, "train", "--resume", run, "--threads", "1", "--progress", "lines");
        Assert.True(finished.ExitCode == 0, finished.Error + finished.Output);
        Assert.Equal(expected, File.ReadAllBytes(Path.Combine(run, "weights.bin")));
        Assert.Empty(Directory.GetFiles(run, ".*.tmp"));
        log.WriteLine($"{finished.Output.Split('\n').Count(l => l.StartsWith("epoch ", StringComparison.Ordinal))} epochs in the final resume; weights.bin {expected.Length} bytes, identical");
    }

    [Fact]
    public void Sigterm_saves_a_checkpoint_like_ctrl_c_and_a_second_resume_is_refused_naming_the_holder()
    {
        using var directory = new TempDirectory();
        string recipe = Recipe(directory, LongEpochs);
        string runs = directory.File("runs");
        using AeProcess process = AeProcess.Start("train", "--recipe", recipe, "--out", runs, "--threads", "1", "--progress", "lines");
        string run = WaitFor(() => Directory.Exists(runs) ? Directory.GetDirectories(runs).SingleOrDefault() : null, process);
        WaitFor(() => File.Exists(Path.Combine(run, RunDirectory.CheckpointFile)) ? run : null, process);

        // While it trains, the run is held: a resume from another process is refused and names this one.
        CliRun second = AeProcess.Run(120, "train", "--resume", run, "--epochs", "40", "--threads", "1");
        Assert.Equal(1, second.ExitCode);
        Assert.Contains($"the run {run} is in use by process {process.Id}", TrainingReliabilityTests.SingleErrorLine(second), StringComparison.Ordinal);
        Assert.DoesNotContain("\"epochs\": 40", File.ReadAllText(Path.Combine(run, RunDirectory.RecipeFile)), StringComparison.Ordinal);

        Assert.False(process.HasExited, "the run ended before SIGTERM; give it more epochs");
        process.Terminate();
        CliRun stopped = process.WaitForExit(120);
        Assert.True(stopped.ExitCode == 143, $"exit {stopped.ExitCode}: {stopped.Error}");
        Assert.Contains($"Resume with: ae train --resume {run}", stopped.Output, StringComparison.Ordinal);
        Assert.Contains("Terminated: stopping after this batch and saving a checkpoint", stopped.Error, StringComparison.Ordinal);

        // The checkpoint continues the epoch SIGTERM cut short; finishing just that epoch ends the run.
        string current = stopped.Output.Split('\n').Last(l => l.StartsWith("epoch ", StringComparison.Ordinal)).Split(' ', '/')[1];
        string through = (int.Parse(current, System.Globalization.CultureInfo.InvariantCulture) + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
        CliRun resumed = AeProcess.Run(300, "train", "--resume", run, "--epochs", through, "--threads", "1", "--progress", "lines");
        Assert.True(resumed.ExitCode == 0, resumed.Error);
        Assert.Contains($"epoch {through}/{through}", resumed.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Twenty_pairs_of_concurrent_appends_to_one_index_lose_nothing()
    {
        using var directory = new TempDirectory();
        string path = directory.File("codes.aeidx");
        using (var index = new CodeIndex(torch.zeros(300, 4)))
        {
            index.Save(path);
        }

        // 20 pairs of writers start together on one index; each pair's two appends race for it.
        var clock = Stopwatch.StartNew();
        for (int pair = 0; pair < 20; pair++)
        {
            using var start = new Barrier(2);
            Task<long>[] writers = [.. Enumerable.Range(0, 2).Select(w => Task.Run(() =>
            {
                using torch.Tensor codes = torch.full(100, 4, (pair * 2) + w + 1);
                start.SignalAndWait();
                return CodeIndex.AppendTo(path, codes);
            }))];
            long[] counts = await Task.WhenAll(writers);
            Assert.Equal([300 + (pair * 200) + 100, 300 + (pair * 200) + 200], counts.Order());
        }

        using CodeIndex final = CodeIndex.Load(path);
        Assert.Equal(300 + (20 * 200), final.Count);
        using torch.Tensor firsts = final.Codes[.., 0];
        float[] values = firsts.data<float>().ToArray();
        for (int writer = 1; writer <= 40; writer++)
        {
            Assert.Equal(100, values.Count(v => v == writer));
        }

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"40 appends took {clock.Elapsed}");
        log.WriteLine($"20 pairs: {final.Count} items in {clock.Elapsed.TotalSeconds:F1} s");
    }

    [Fact]
    public void Two_ae_index_append_processes_at_once_both_land()
    {
        using var directory = new TempDirectory();
        string path = directory.File("digits.aeidx");
        string[] data = ["--images", TestData.MnistTestImages, "--labels", TestData.MnistTestLabels];
        CliRun build = AeProcess.Run(120, ["index", "build", "--representation", "raw", .. data, "--limit", "300", "--out", path]);
        Assert.True(build.ExitCode == 0, build.Error);

        for (int trial = 0; trial < 2; trial++)
        {
            using AeProcess first = AeProcess.Start(["index", "append", path, .. data, "--limit", "100"]);
            using AeProcess second = AeProcess.Start(["index", "append", path, .. data, "--limit", "100"]);
            CliRun one = first.WaitForExit(120), two = second.WaitForExit(120);
            Assert.True(one.ExitCode == 0 && two.ExitCode == 0, one.Error + two.Error);
            long expected = 300 + (200 * (trial + 1));
            Assert.Equal([$"{expected - 100} in all", $"{expected} in all"], new[] { one.Output, two.Output }.Select(o => o.Trim()[(o.Trim().LastIndexOf(':') + 2)..]).Order());
            using CodeIndex index = CodeIndex.Load(path);
            Assert.Equal(expected, index.Count);
        }
    }

    /// <summary>A 784-64-8 denoising autoencoder on 400 MNIST test digits, batches of 20: a few seconds for <see cref="Epochs"/> epochs.</summary>
    private static string Recipe(TempDirectory directory, int epochs = Epochs) =>
        directory.Write("tiny.json", $$"""
            {
              "name": "tiny",
              "model": { "kind": "dense", "layers": [784, 64, 8] },
              "objective": { "reconstruction": { "kind": "bce" }, "corruption": { "kind": "masking", "fraction": 0.2 } },
              "training": { "epochs": {{epochs}}, "batchSize": 20, "seed": 9, "optimizer": { "learningRate": 0.002 } },
              "data": { "trainImages": "{{TestData.MnistTestImages}}", "trainLabels": "{{TestData.MnistTestLabels}}", "trainLimit": 400 }
            }
            """);

    // Polls until found() gives a value (every pollMilliseconds; 0 spins), failing if the process exits first or 60 s pass.
    private static string WaitFor(Func<string?> found, AeProcess process, int pollMilliseconds = 5)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            try
            {
                if (found() is string value)
                {
                    return value;
                }
            }
            catch (DirectoryNotFoundException)
            {
                // The folder is being created.
            }

            Assert.False(process.HasExited, "ae exited before what the test waits for happened");
            if (pollMilliseconds > 0)
            {
                Thread.Sleep(pollMilliseconds);
            }
        }

        throw new TimeoutException("waited 60 s");
    }
}
