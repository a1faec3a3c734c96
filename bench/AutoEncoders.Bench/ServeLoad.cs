using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;

namespace AutoEncoders.Bench;

/// <summary>
/// A bounded load on a running <c>ae serve</c> at a loopback address: CLIENTS concurrent clients send REQUESTS
/// single-row POSTs in all (each client waits for its answer before sending again), then it stops and prints one
/// JSON line: requests per second over the whole run, and the 50th and 99th percentile latency in milliseconds.
/// A short warm-up of the same request comes first and is not counted. Non-2xx answers are counted as errors.
/// </summary>
internal static class ServeLoad
{
    public static int Run(string baseUrl, string path, string bodyFile, int clients, int requests)
    {
        var uri = new Uri(new Uri(baseUrl), path);
        if (!IPAddress.TryParse(uri.Host, out IPAddress? address) || !IPAddress.IsLoopback(address))
        {
            Console.Error.WriteLine($"error: {baseUrl}: the load generator only targets a loopback address (127.0.0.1).");
            return 1;
        }

        byte[] body = File.ReadAllBytes(bodyFile);
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = clients, PooledConnectionLifetime = Timeout.InfiniteTimeSpan };
        using var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(60) };
        int errors = 0;

        async Task<double> Send()
        {
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
            long start = Stopwatch.GetTimestamp();
            using HttpResponseMessage response = await client.PostAsync(uri, content).ConfigureAwait(false);
            await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
            double ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            if (!response.IsSuccessStatusCode)
            {
                Interlocked.Increment(ref errors);
            }

            return ms;
        }

        // Warm-up: every connection opened and the server's code paths compiled before timing.
        Task.WaitAll([.. Enumerable.Range(0, Math.Max(clients, 32)).Select(_ => Send())]);
        errors = 0;
        var latencies = new double[requests];
        int next = -1;
        var clock = Stopwatch.StartNew();
        Task[] workers = [.. Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < requests)
            {
                latencies[i] = await Send().ConfigureAwait(false);
            }
        }))];
        Task.WaitAll(workers);
        double seconds = clock.Elapsed.TotalSeconds;
        Array.Sort(latencies);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{{\"path\": \"{path}\", \"clients\": {clients}, \"requests\": {requests}, \"errors\": {errors}, \"seconds\": {seconds:F2}, \"rps\": {requests / seconds:F0}, \"p50_ms\": {Percentile(latencies, 0.50):F2}, \"p99_ms\": {Percentile(latencies, 0.99):F2}}}"));
        return errors == 0 ? 0 : 1;
    }

    private static double Percentile(double[] sorted, double q) => sorted[(int)Math.Min(sorted.Length - 1, Math.Ceiling(q * sorted.Length) - 1)];
}
