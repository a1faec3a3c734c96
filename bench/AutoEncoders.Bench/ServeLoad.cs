using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;

namespace AutoEncoders.Bench;

/// <summary>
/// A bounded load on a running <c>ae serve</c> at a loopback address: CLIENTS concurrent clients send REQUESTS
/// single-row POSTs in all (each client waits for its answer before sending again), then it stops and prints one
/// JSON line: requests per second over the whole run, the 50th and 99th percentile latency in milliseconds, and the
/// CPU time per request of this client and (given SERVER_PID) of the server, which the wall-clock figures hide on a
/// shared machine. A short warm-up of the same request comes first and is not counted. Non-2xx answers are errors.
/// The body is sent as JSON, or as .npy when the file name ends in .npy.
/// </summary>
internal static class ServeLoad
{
    public static int Run(string baseUrl, string path, string bodyFile, int clients, int requests, int? serverPid)
    {
        var uri = new Uri(new Uri(baseUrl), path);
        if (!IPAddress.TryParse(uri.Host, out IPAddress? address) || !IPAddress.IsLoopback(address))
        {
            Console.Error.WriteLine($"error: {baseUrl}: the load generator only targets a loopback address (127.0.0.1).");
            return 1;
        }

        byte[] body = File.ReadAllBytes(bodyFile);
        var mediaType = new MediaTypeHeaderValue(bodyFile.EndsWith(".npy", StringComparison.OrdinalIgnoreCase) ? "application/x-npy" : "application/json");
        using var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = clients,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            UseProxy = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
        };
        using var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(60) };
        int errors = 0;

        // The answer is read into one buffer per client: the client's own allocations stay out of the measurement.
        async Task<double> Send(byte[] answer)
        {
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = mediaType;
            using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = content };
            long start = Stopwatch.GetTimestamp();
            using HttpResponseMessage response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead).ConfigureAwait(false);
            using (Stream stream = await response.Content.ReadAsStreamAsync().ConfigureAwait(false))
            {
                while (await stream.ReadAsync(answer).ConfigureAwait(false) > 0)
                {
                }
            }

            double ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            if (!response.IsSuccessStatusCode)
            {
                Interlocked.Increment(ref errors);
            }

            return ms;
        }

        // Warm-up: every connection opened, and at least 20 requests per connection and 1.5 s, so that this process's
        // hot code is recompiled optimised (tiered compilation) before timing; bench/serve/run.sh warms the server.
        var warming = Stopwatch.StartNew();
        Task.WaitAll([.. Enumerable.Range(0, Math.Max(clients, 32)).Select(_ => Task.Run(async () =>
        {
            byte[] answer = new byte[16384];
            for (int i = 0; i < 20 || warming.Elapsed < TimeSpan.FromSeconds(1.5); i++)
            {
                await Send(answer).ConfigureAwait(false);
            }
        }))]);
        errors = 0;
        var latencies = new double[requests];
        int next = -1;
        double serverBefore = serverPid is int pid ? ProcessCpuSeconds(pid) : double.NaN;
        TimeSpan clientBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        Task[] workers = [.. Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
        {
            byte[] answer = new byte[16384];
            int i;
            while ((i = Interlocked.Increment(ref next)) < requests)
            {
                latencies[i] = await Send(answer).ConfigureAwait(false);
            }
        }))];
        Task.WaitAll(workers);
        double seconds = clock.Elapsed.TotalSeconds;
        double clientCpu = (Process.GetCurrentProcess().TotalProcessorTime - clientBefore).TotalMilliseconds / requests;
        double serverCpu = serverPid is int p ? (ProcessCpuSeconds(p) - serverBefore) * 1000 / requests : double.NaN;
        Array.Sort(latencies);
        string server = double.IsNaN(serverCpu) ? "null" : serverCpu.ToString("F3", CultureInfo.InvariantCulture);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{{\"path\": \"{path}\", \"clients\": {clients}, \"requests\": {requests}, \"errors\": {errors}, \"seconds\": {seconds:F2}, \"rps\": {requests / seconds:F0}, \"p50_ms\": {Percentile(latencies, 0.50):F2}, \"p99_ms\": {Percentile(latencies, 0.99):F2}, \"client_cpu_ms\": {clientCpu:F3}, \"server_cpu_ms\": {server}}}"));
        return errors == 0 ? 0 : 1;
    }

    private static double Percentile(double[] sorted, double q) => sorted[(int)Math.Min(sorted.Length - 1, Math.Ceiling(q * sorted.Length) - 1)];

    // utime + stime of a process from /proc/PID/stat (fields 14 and 15, in clock ticks of 1/100 s).
    private static double ProcessCpuSeconds(int pid)
    {
        string stat = File.ReadAllText($"/proc/{pid}/stat");
        string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
    }
}
