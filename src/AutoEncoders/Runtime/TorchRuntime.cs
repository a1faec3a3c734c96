using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using TorchSharp;

namespace AutoEncoders.Runtime;

/// <summary>
/// The one place that loads libtorch and sets the seed, the thread count and the device. Everything that needs
/// randomness outside torch draws from <see cref="Random"/>, so one seed reproduces a whole run.
/// </summary>
public static partial class TorchRuntime
{
    /// <summary>The name of oneDNN's environment variable that caps the instruction set its kernels use.</summary>
    public const string OneDnnIsaVariable = "ONEDNN_MAX_CPU_ISA";

    /// <summary>The name of OpenMP's environment variable that says whether idle worker threads spin or sleep.</summary>
    public const string OpenMpWaitPolicyVariable = "OMP_WAIT_POLICY";

    /// <summary>GNU OpenMP's own spin-count variable; where set, it decides instead of <see cref="OpenMpWaitPolicyVariable"/>.</summary>
    public const string GnuOpenMpSpinCountVariable = "GOMP_SPINCOUNT";

    private static readonly Lock Gate = new();
    // Set in the native environment (what oneDNN reads when its first kernel is made) before libtorch loads, unless
    // the user set it; .NET's own Environment.SetEnvironmentVariable does not reach native getenv on Unix.
    private static readonly string? OneDnnIsaInForce = NativeEnvironment.SetDefault(OneDnnIsaVariable, DefaultOneDnnIsa);
    // Likewise read by libgomp once, when libtorch loads it.
    private static readonly string OpenMpWaitInForce = ChooseOpenMpWait(Environment.GetEnvironmentVariable, NativeEnvironment.SetDefault);
    private static bool s_loaded;
    // No static initialiser may touch torch: where libtorch cannot load, that would fail this type's initialisation
    // with TorchSharp's message before EnsureLoaded could explain the cause.
    private static torch.Device? s_device;

    /// <summary>
    /// The oneDNN instruction-set cap in force for this process (<see cref="OneDnnIsaVariable"/>): the value the
    /// environment set before start, else <see cref="DefaultOneDnnIsa"/>.
    /// </summary>
    /// <remarks>
    /// On AMD EPYC machines with AVX-512 (BF16/VNNI), libtorch 2.10's oneDNN 3.7.1 computed wrong float32 gradients
    /// of conv2d with respect to its input (and wrong conv_transpose2d) with its AVX-512 kernels, and with its AVX2
    /// kernels for 16→1 channels at 28×28: relative errors of 0.6 to 1 against float64 and sometimes NaN (found
    /// 2026-12-02). On the AVX2-only AMD EPYC (Zen 3) machines of 2026-12-06 the same checks pass with the AVX2
    /// kernels (errors below 1e-6, as PyTorch 1.13's oneDNN 2.6 gives), and convolutions run 1.4× faster than
    /// capped at AVX. So the cap is AVX where the processor has AVX-512 and AVX2 elsewhere; docs/performance.md
    /// and bench/onednn-conv-repro hold the reproduction.
    /// </remarks>
    public static string? OneDnnIsa => OneDnnIsaInForce;

    /// <summary>
    /// The cap used when the environment sets none: "AVX" on processors with AVX-512 (where wrong convolution
    /// gradients were measured with oneDNN's AVX-512 and AVX2 kernels), "AVX2" on the others.
    /// </summary>
    public static string DefaultOneDnnIsa => System.Runtime.Intrinsics.X86.Avx512F.IsSupported ? "AVX" : "AVX2";

    /// <summary>
    /// How libtorch's OpenMP worker threads wait between parallel operations in this process: "PASSIVE" (they sleep
    /// at once; the library's default), the user's own <see cref="OpenMpWaitPolicyVariable"/>, or
    /// "GOMP_SPINCOUNT=N" where the user set <see cref="GnuOpenMpSpinCountVariable"/>.
    /// </summary>
    /// <remarks>
    /// libgomp's own default spins each idle worker for about 300,000 iterations (milliseconds) after every parallel
    /// region. Where another process or the .NET thread pool (the fused Adam step) needs the core, the spinning
    /// worker takes it: on the 2-core machine of 2026-12-07 with other jobs running, 300 steps of
    /// hinton-784-1000-500-250-30 at batch 64 took 113-173 s at two threads against 12 s at one, and 8 s at two
    /// threads with passive waiting; with the process nearly alone on its cores the two policies were level
    /// (docs/performance.md, "2026-12-07: two threads").
    /// </remarks>
    public static string OpenMpWait => OpenMpWaitInForce;

    /// <summary>The <see cref="OpenMpWaitPolicyVariable"/> that native code (libgomp) sees in this process, or null.</summary>
    public static string? NativeOpenMpWaitPolicy => NativeEnvironment.Get(OpenMpWaitPolicyVariable);

    /// <summary>Whether glibc keeps freed tensor memory for reuse in this process (see <see cref="NativeHeap"/>).</summary>
    public static bool HeapKept { get; private set; }

    /// <summary>The .NET random source seeded together with torch.</summary>
    public static Random Random { get; private set; } = new();

    /// <summary>The device set by <see cref="Configure"/> (CPU until then).</summary>
    public static torch.Device Device
    {
        get => s_device ?? torch.CPU;
        private set => s_device = value;
    }

    /// <summary>The seed last applied, if any.</summary>
    public static int? Seed { get; private set; }

    /// <summary>
    /// Threads used when <see cref="RuntimeOptions.Threads"/> is not given: the AE_THREADS environment variable
    /// if set, else all cores. Applied when libtorch loads and by <see cref="Configure"/>.
    /// </summary>
    public static int? DefaultThreads { get; set; } =
        int.TryParse(Environment.GetEnvironmentVariable("AE_THREADS"), System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out int t) && t > 0 ? t : null;

    /// <summary>
    /// Receives the one-line note, if any, that loading changed something on disk: the first load of an
    /// installation whose libLibTorchSharp.so needed the libstdc++ compatibility patch (see
    /// <see cref="LibTorchSharpCompatibility"/>). Null ignores it; the ae tool prints it on stderr.
    /// </summary>
    public static Action<string>? LoadNotice { get; set; }

    /// <summary>
    /// Loads libtorch once; throws <see cref="TorchUnavailableException"/> with a one-sentence reason if it cannot.
    /// Before the first load, makes the installed native wrapper loadable where this system needs it, once per
    /// installation (<see cref="LibTorchSharpCompatibility"/>; AE_SKIP_LIBTORCHSHARP_COMPAT=true turns it off).
    /// </summary>
    public static void EnsureLoaded()
    {
        lock (Gate)
        {
            if (s_loaded)
            {
                return;
            }

            HeapKept = NativeHeap.KeepFreedMemory();
            if (LibTorchSharpCompatibility.EnsureLoadable(AppContext.BaseDirectory) is string note)
            {
                LoadNotice?.Invoke(note);
            }

            try
            {
                torch.InitializeDeviceType(DeviceType.CPU);
            }
            catch (Exception e) when (e is NotSupportedException or DllNotFoundException or TypeInitializationException or EntryPointNotFoundException)
            {
                throw new TorchUnavailableException(Diagnose(), e);
            }

            s_loaded = true;
            LibTorchLogging.Apply();
            if (DefaultThreads is int threads)
            {
                torch.set_num_threads(threads);
            }
        }
    }

    /// <summary>
    /// The OpenMP waiting rule for this process, set through <paramref name="setDefault"/> (a native setenv that
    /// keeps a user's value) unless the user chose one: <see cref="GnuOpenMpSpinCountVariable"/> set wins as it is,
    /// else <see cref="OpenMpWaitPolicyVariable"/> defaults to PASSIVE.
    /// </summary>
    internal static string ChooseOpenMpWait(Func<string, string?> getEnvironment, Func<string, string, string?> setDefault)
    {
        ArgumentNullException.ThrowIfNull(getEnvironment);
        ArgumentNullException.ThrowIfNull(setDefault);
        if (getEnvironment(GnuOpenMpSpinCountVariable) is { Length: > 0 } spins)
        {
            return $"{GnuOpenMpSpinCountVariable}={spins}";
        }

        return setDefault(OpenMpWaitPolicyVariable, "PASSIVE") ?? "libgomp's default (the environment could not be set)";
    }

    /// <summary>Loads libtorch (see <see cref="EnsureLoaded"/>) and returns <paramref name="value"/>: for a base-constructor argument.</summary>
    internal static T Loaded<T>(T value)
    {
        EnsureLoaded();
        return value;
    }

    /// <summary>Loads libtorch and applies seed, threads and device.</summary>
    public static void Configure(RuntimeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        EnsureLoaded();
        torch.set_num_threads(options.Threads is > 0 ? options.Threads.Value : DefaultThreads ?? Environment.ProcessorCount);
        Device = ParseDevice(options.Device);
        SetSeed(options.Seed);
    }

    /// <summary>Seeds torch (CPU and, when present, CUDA) and <see cref="Random"/>; null draws a fresh seed for .NET only.</summary>
    public static void SetSeed(int? seed)
    {
        EnsureLoaded();
        Seed = seed;
        if (seed is int s)
        {
            torch.manual_seed(s);
            if (torch.cuda.is_available())
            {
                torch.cuda.manual_seed_all(s);
            }

            Random = new Random(s);
        }
        else
        {
            Random = new Random();
        }
    }

    /// <summary>Turns "cpu", "cuda" or "cuda:N" into a device, refusing CUDA when this build has no CUDA support.</summary>
    public static torch.Device ParseDevice(string device)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(device);
        EnsureLoaded();
        string d = device.Trim().ToLowerInvariant();
        if (d == "cpu")
        {
            return torch.CPU;
        }

        if (d.StartsWith("cuda", StringComparison.Ordinal))
        {
            if (!torch.cuda.is_available())
            {
                throw new ArgumentException(
                    $"Device '{device}' was asked for, but this build uses TorchSharp-cpu and no CUDA device is available; use --device cpu, or reference a CUDA build of TorchSharp.",
                    nameof(device));
            }

            return torch.device(d);
        }

        throw new ArgumentException($"Device '{device}' is not known: expected 'cpu', 'cuda' or 'cuda:N'.", nameof(device));
    }

    /// <summary>Why libtorch did not load, in one sentence, found by loading the native wrapper directly.</summary>
    internal static string Diagnose()
    {
        string name = OperatingSystem.IsWindows() ? "LibTorchSharp.dll" : OperatingSystem.IsMacOS() ? "libLibTorchSharp.dylib" : "libLibTorchSharp.so";
        string rid = RuntimeInformation.RuntimeIdentifier;
        string[] candidates =
        [
            Path.Combine(AppContext.BaseDirectory, name),
            Path.Combine(AppContext.BaseDirectory, "runtimes", rid, "native", name),
            Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", name),
        ];
        string? path = candidates.FirstOrDefault(File.Exists);
        if (path is null)
        {
            return $"libtorch cannot load: {name} is not in {AppContext.BaseDirectory} or its runtimes folder; reference the TorchSharp-cpu package and build again.";
        }

        try
        {
            NativeLibrary.Free(NativeLibrary.Load(path));
        }
        catch (DllNotFoundException e)
        {
            return DescribeLoadFailure(name, e.Message);
        }

        return $"libtorch cannot load although {name} itself loads; its libtorch libraries are missing or mismatched (reference TorchSharp-cpu 0.107.0 only).";
    }

    /// <summary>Turns the dynamic loader's message into advice.</summary>
    internal static string DescribeLoadFailure(string library, string loaderMessage)
    {
        Match version = MissingVersion().Match(loaderMessage);
        if (version.Success)
        {
            string needed = version.Groups["version"].Value;
            string provider = Path.GetFileName(version.Groups["provider"].Value);
            return $"libtorch cannot load: {library} needs {needed} from {provider}, which this system lacks; build with the AutoEncoders package's compatibility step on (it marks that requirement weak; AeSkipLibTorchSharpCompat must not be true), let the installation's first libtorch load run where its folder is writable (AE_SKIP_LIBTORCHSHARP_COMPAT must not be true), or install a {provider} from GCC 13 or newer.";
        }

        string firstLine = loaderMessage.Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault()?.Trim() ?? loaderMessage;
        return $"libtorch cannot load: the dynamic loader refused {library} ({firstLine}).";
    }

    [GeneratedRegex(@"(?<provider>\S+): version `(?<version>[^']+)' not found")]
    private static partial Regex MissingVersion();
}
