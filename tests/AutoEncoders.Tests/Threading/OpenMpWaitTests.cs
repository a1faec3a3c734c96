using AutoEncoders.Runtime;

namespace AutoEncoders.Tests.Threading;

/// <summary>
/// libtorch's OpenMP workers wait passively unless the user chose otherwise (docs/performance.md, "2026-12-07: two
/// threads"): the setting must reach the C library's environment before libgomp loads, and a user's own
/// OMP_WAIT_POLICY or GOMP_SPINCOUNT must win.
/// </summary>
public class OpenMpWaitTests
{
    [Fact]
    public void PassiveIsTheDefaultAndAUsersChoiceWins()
    {
        var set = new Dictionary<string, string>();
        string? Set(string name, string value)
        {
            set[name] = value;
            return value;
        }

        Assert.Equal("PASSIVE", TorchRuntime.ChooseOpenMpWait(_ => null, Set));
        Assert.Equal("PASSIVE", set[TorchRuntime.OpenMpWaitPolicyVariable]);

        set.Clear();
        Assert.Equal("GOMP_SPINCOUNT=10000", TorchRuntime.ChooseOpenMpWait(n => n == "GOMP_SPINCOUNT" ? "10000" : null, Set));
        Assert.Empty(set);
    }

    [Theory]
    [InlineData(null, null, "PASSIVE", "PASSIVE")]
    [InlineData("active", null, "active", "active")]
    [InlineData(null, "10000", "GOMP_SPINCOUNT=10000", "unset")]
    public void AeInfoShowsWhatLibgompReads(string? policy, string? spins, string inForce, string native)
    {
        string host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } h ? h : "dotnet";
        (int code, string output, string error) = ChildProcess.Run(host, [Path.Combine(AppContext.BaseDirectory, "ae.dll"), "info"], TimeSpan.FromSeconds(120),
            environment: new Dictionary<string, string?> { ["OMP_WAIT_POLICY"] = policy, ["GOMP_SPINCOUNT"] = spins });
        Assert.True(code == 0, error);
        string line = output.Split('\n').Single(l => l.StartsWith("OpenMP wait", StringComparison.Ordinal)).Trim();
        Assert.Equal($"OpenMP wait    {inForce} (native OMP_WAIT_POLICY: {native})", line);
    }
}
