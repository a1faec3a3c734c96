using System.Diagnostics;
using System.Threading.Channels;
using TorchSharp;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace AutoEncoders.Serving;

/// <summary>
/// Runs every model computation of the service on one thread, in request order, and gathers concurrent requests
/// for the same <see cref="RowOperation"/> into one forward pass (dynamic batching): the first waiting request
/// waits at most <see cref="MaxWait"/> for others (when the previous pass served more than one request), and a
/// pass holds at most <see cref="MaxBatch"/> rows.
/// </summary>
/// <remarks>
/// One thread because TorchSharp's dispose scopes and no-grad state are per thread and a module is not meant to run
/// forward passes from several threads at once; libtorch still uses its intra-op threads inside each pass. Requests
/// wait in a bounded <see cref="Channel{T}"/>: when it is full a request is refused at once instead of queueing
/// without end. A request cancelled (timed out, client gone) before its pass starts is dropped from it.
/// </remarks>
public sealed class InferenceBatcher : IDisposable
{
    private readonly Channel<Job> _channel;
    private readonly Thread _thread;
    private Job? _held;
    private Task<bool>? _waiting;
    private int _lastPassRequests = 2;
    private long _passes;
    private long _rows;

    /// <summary>Starts the inference thread.</summary>
    public InferenceBatcher(int maxBatch, TimeSpan maxWait, int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatch, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        MaxBatch = maxBatch;
        MaxWait = maxWait;
        _channel = Channel.CreateBounded<Job>(new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.Wait });
        _thread = new Thread(Run) { IsBackground = true, Name = "ae-inference" };
        _thread.Start();
    }

    /// <summary>Most rows in one forward pass.</summary>
    public int MaxBatch { get; }

    /// <summary>Longest wait for a batch to fill.</summary>
    public TimeSpan MaxWait { get; }

    /// <summary>Forward passes run for row operations so far.</summary>
    public long Passes => Interlocked.Read(ref _passes);

    /// <summary>Rows computed so far.</summary>
    public long Rows => Interlocked.Read(ref _rows);

    /// <summary>
    /// Computes <paramref name="operation"/> on <paramref name="count"/> rows given flat in <paramref name="input"/>;
    /// returns one flat array per row.
    /// </summary>
    /// <exception cref="QueueFullException">Too many requests are waiting.</exception>
    public Task<float[][]> RunRows(RowOperation operation, float[] input, int count, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(operation);
        ArgumentNullException.ThrowIfNull(input);
        var job = new RowsJob(operation, input, count, cancellation);
        Enqueue(job);
        return job.Completion.Task;
    }

    /// <summary>Runs <paramref name="work"/> alone on the inference thread (for work that is not per row: generate, search).</summary>
    public Task<T> Run<T>(Func<T> work, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(work);
        var job = new CallJob<T>(work, cancellation);
        Enqueue(job);
        return job.Completion.Task;
    }

    /// <summary>Refuses new work, finishes what is queued, and stops the thread.</summary>
    public void Dispose()
    {
        _channel.Writer.TryComplete();
        _thread.Join(TimeSpan.FromSeconds(30));
    }

    private void Enqueue(Job job)
    {
        if (!_channel.Writer.TryWrite(job))
        {
            throw new QueueFullException();
        }
    }

    private void Run()
    {
        while (Next(Timeout.InfiniteTimeSpan) is Job first)
        {
            if (first is not RowsJob rows)
            {
                first.Execute();
                continue;
            }

            var batch = new List<RowsJob> { rows };
            int total = rows.Count;

            // Waiting for company pays only under concurrent load: after a pass that served one request alone, the
            // next runs at once with whatever is queued (a lone client does not pay the wait on every request).
            TimeSpan wait = _lastPassRequests > 1 ? MaxWait : TimeSpan.Zero;
            long deadline = Stopwatch.GetTimestamp() + (long)(wait.TotalSeconds * Stopwatch.Frequency);
            while (total < MaxBatch)
            {
                TimeSpan left = TimeSpan.FromSeconds(Math.Max(0, deadline - Stopwatch.GetTimestamp()) / (double)Stopwatch.Frequency);
                if (Next(left) is not Job next)
                {
                    break;
                }

                if (next is RowsJob same && same.Operation == rows.Operation && total + same.Count <= MaxBatch)
                {
                    batch.Add(same);
                    total += same.Count;
                }
                else
                {
                    _held = next;
                    break;
                }
            }

            _lastPassRequests = batch.Count;
            Forward(batch);
        }
    }

    // The next job: one held back from the last batch, one queued, or one arriving within `wait`; null when none
    // came in time or the queue is closed and empty.
    private Job? Next(TimeSpan wait)
    {
        if (_held is Job held)
        {
            _held = null;
            return held;
        }

        long deadline = wait == Timeout.InfiniteTimeSpan ? long.MaxValue : Stopwatch.GetTimestamp() + (long)(wait.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            if (_channel.Reader.TryRead(out Job? job))
            {
                return job;
            }

            long now = Stopwatch.GetTimestamp();
            if (now >= deadline)
            {
                return null;
            }

            // One pending wait is kept across calls: a wait that timed out is still armed for the next call.
            _waiting ??= _channel.Reader.WaitToReadAsync().AsTask();
            bool done = deadline == long.MaxValue ? _waiting.Wait(Timeout.Infinite) : _waiting.Wait(TimeSpan.FromSeconds((deadline - now) / (double)Stopwatch.Frequency));
            if (!done)
            {
                return null;
            }

            bool more = _waiting.Result;
            _waiting = null;
            if (!more)
            {
                return null;
            }
        }
    }

    private void Forward(List<RowsJob> batch)
    {
        batch.RemoveAll(j => j.DropIfCancelled());
        if (batch.Count == 0)
        {
            return;
        }

        RowOperation operation = batch[0].Operation;
        int rows = batch.Sum(j => j.Count);
        try
        {
            // Each request's rows are copied once, straight into the batch's input tensor, and each answer row once
            // out of the output tensor: no joined array, no per-row tensors.
            var result = new float[batch.Count][][];
            using (var scope = torch.NewDisposeScope())
            using (torch.inference_mode())
            {
                Tensor x = torch.empty([rows, .. operation.ItemShape], ScalarType.Float32);
                TensorAccessor<float> input = x.data<float>();
                long at = 0;
                foreach (RowsJob job in batch)
                {
                    int length = job.Count * (int)operation.ItemSize;
                    input.CopyFrom(job.Input.AsSpan(0, length), 0, at);
                    at += length;
                }

                Tensor y = operation.Forward(x).reshape(rows, -1).to_type(ScalarType.Float32).contiguous();
                int width = (int)y.shape[1];
                TensorAccessor<float> output = y.data<float>();
                long from = 0;
                for (int j = 0; j < batch.Count; j++)
                {
                    result[j] = new float[batch[j].Count][];
                    for (int r = 0; r < batch[j].Count; r++, from += width)
                    {
                        float[] row = new float[width];
                        output.CopyTo(row, 0, from);
                        result[j][r] = row;
                    }
                }
            }

            // Counted before anyone is answered, so a client that reads the counters after its answer sees its pass.
            Interlocked.Increment(ref _passes);
            Interlocked.Add(ref _rows, rows);
            for (int j = 0; j < batch.Count; j++)
            {
                batch[j].Completion.TrySetResult(result[j]);
            }
        }
        catch (Exception e)
        {
            batch.ForEach(j => j.Completion.TrySetException(e));
        }
    }

    private abstract class Job(CancellationToken cancellation)
    {
        public CancellationToken Cancellation { get; } = cancellation;

        public abstract void Execute();
    }

    private sealed class RowsJob(RowOperation operation, float[] input, int count, CancellationToken cancellation) : Job(cancellation)
    {
        public RowOperation Operation { get; } = operation;

        public float[] Input { get; } = input;

        public int Count { get; } = count;

        public TaskCompletionSource<float[][]> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool DropIfCancelled() => Cancellation.IsCancellationRequested && Completion.TrySetCanceled(Cancellation);

        public override void Execute() => throw new InvalidOperationException("Row jobs run in batches.");
    }

    private sealed class CallJob<T>(Func<T> work, CancellationToken cancellation) : Job(cancellation)
    {
        public TaskCompletionSource<T> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override void Execute()
        {
            if (Cancellation.IsCancellationRequested)
            {
                Completion.TrySetCanceled(Cancellation);
                return;
            }

            try
            {
                using var scope = torch.NewDisposeScope();
                using var mode = torch.inference_mode();
                Completion.TrySetResult(work());
            }
            catch (Exception e)
            {
                Completion.TrySetException(e);
            }
        }
    }
}
