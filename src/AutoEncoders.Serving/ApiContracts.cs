// The request and answer documents of the /v1 endpoints, as the OpenAPI document describes them. They are the
// wire format only (no behaviour), so they live together here.
#pragma warning disable SA1649, SA1402, CA1819

namespace AutoEncoders.Serving;

/// <summary>Rows to encode, reconstruct or score: each a flat or nested array of numbers of the model's input shape.</summary>
internal sealed record RowsRequest(float[][] Inputs);

/// <summary>Codes to decode.</summary>
internal sealed record CodesRequest(float[][] Codes);

/// <summary>Rows to search with, and how many neighbours (default 5).</summary>
internal sealed record SearchRequest(float[][] Inputs, int? K);

/// <summary>How many samples (default 1) and the seed of the prior draws (default random, returned).</summary>
internal sealed record GenerateRequest(int? Count, int? Seed);

internal sealed record HealthResponse(string Status);

internal sealed record CodesResponse(float[][] Codes, long[] CodeShape);

internal sealed record OutputsResponse(float[][] Outputs, long[] OutputShape);

internal sealed record ReconstructResponse(float[][] Outputs, double[] Errors, long[] OutputShape);

internal sealed record ScoreResponse(double[] Scores, bool[] Flags, double Threshold, float[][] FeatureErrors, IReadOnlyList<string>? FeatureNames);

internal sealed record Neighbour(long Position, float Distance, long? Label, string? Id);

internal sealed record SearchResponse(Neighbour[][] Neighbours);

internal sealed record GenerateResponse(float[][] Outputs, float[][] Codes, int Seed, long[] OutputShape);

internal sealed record DetectorInfo(long FeatureCount, double Threshold, IReadOnlyList<string>? FeatureNames, string Description);

internal sealed record IndexInfo(long Items, int Dimensions, string Source);

internal sealed record LimitsInfo(long MaxBodyBytes, int MaxItemsPerRequest, int MaxGenerate, int MaxNeighbours, double TimeoutSeconds);

internal sealed record BatchingInfo(int MaxBatch, double MaxWaitMilliseconds, long Passes, long Rows);

internal sealed record ModelResponse(
    string Source,
    string Kind,
    long[] InputShape,
    long[] CodeShape,
    long Parameters,
    bool Generative,
    IReadOnlyList<string>? ClassNames,
    DetectorInfo? Detector,
    IndexInfo? Index,
    long ExplorerItems,
    LimitsInfo Limits,
    BatchingInfo Batching);

internal sealed record ProjectionBasis(float[] Mean, float[][] Components, double[] ExplainedRatio);

internal sealed record ExplorerResponse(
    string Dataset,
    long[] InputShape,
    long[] CodeShape,
    long Count,
    long[]? Labels,
    IReadOnlyList<string> ClassNames,
    float[][] Codes,
    string Pixels,
    ProjectionBasis? Pca,
    double[]? Scores,
    double? Threshold);
