using System.Diagnostics;
using System.Runtime.InteropServices;
using AutoEncoders.Runtime;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace AutoEncoders.Tests.Build;

/// <summary>
/// The TorchSharp Scalar trap of docs/reliability.md: an implicit Scalar (<c>t * 0.5</c>) is unreachable while
/// native code reads it, so a collection on another thread can free it mid-call; an explicit Scalar kept alive by
/// <c>using</c> cannot be. Two threads multiply while a third collects and runs finalizers without pause.
/// AE_SCALAR_REPRO_SECONDS (default 2) sets how long each side runs; the implicit side is measured, not asserted
/// (it fails rarely and at random: 4 failures in 249,017 multiplications in 8 s on 2026-12-06).
/// </summary>
public sealed class ScalarLifetimeTests(ITestOutputHelper output)
{
    private static readonly double Seconds =
        double.TryParse(Environment.GetEnvironmentVariable("AE_SCALAR_REPRO_SECONDS"), System.Globalization.CultureInfo.InvariantCulture, out double s) && s > 0 ? s : 2;

    [Fact]
    public async Task Explicit_scalars_kept_alive_survive_concurrent_collections()
    {
        (long ops, long failures, string messages) = await Multiply(held: true);
        output.WriteLine($"explicit Scalar kept alive: {ops} multiplications, {failures} failures {messages}");
        Assert.True(ops > 1000, $"only {ops} multiplications ran");
        Assert.Equal(0, failures);
    }

    // A reproduction to run by hand (its failures are rare and random, so it cannot be an assertion):
    // dotnet test --filter Implicit_scalars after removing Skip, with AE_SCALAR_REPRO_SECONDS=8.
    [Fact(Skip = "A reproduction of the implicit-Scalar fault, run by hand; its failures are rare and random.")]
    public async Task Implicit_scalars_are_measured_under_concurrent_collections()
    {
        (long ops, long failures, string messages) = await Multiply(held: false);
        output.WriteLine($"implicit Scalar: {ops} multiplications, {failures} failures {messages}");
        Assert.True(ops > 1000, $"only {ops} multiplications ran");
    }

    private static async Task<(long Ops, long Failures, string Messages)> Multiply(bool held)
    {
        TorchRuntime.EnsureLoaded();
        using Scalar half = 0.5.ToScalar();
        long failures = 0, ops = 0;
        var messages = new HashSet<string>();
        var clock = Stopwatch.StartNew();
        using var stop = new CancellationTokenSource();
        Task collector = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                _ = new byte[1000];
                GC.Collect();
                GC.WaitForPendingFinalizers();
            }
        });
        Parallel.For(0, 2, _ =>
        {
            using Tensor x = torch.ones(4);
            while (clock.Elapsed.TotalSeconds < Seconds)
            {
                try
                {
                    using Tensor product = held ? x.mul(half) : x * 0.5;
                    if (product[0].item<float>() != 0.5f)
                    {
                        throw new InvalidOperationException($"0.5 * 1 gave {product[0].item<float>()}");
                    }
                }
                catch (Exception e) when (e is ExternalException or InvalidOperationException)
                {
                    Interlocked.Increment(ref failures);
                    lock (messages)
                    {
                        messages.Add(e.Message.Split('\n')[0]);
                    }
                }

                Interlocked.Increment(ref ops);
            }
        });
        await stop.CancelAsync();
        await collector;
        return (ops, failures, messages.Count == 0 ? string.Empty : $"({string.Join(" | ", messages)})");
    }
}
