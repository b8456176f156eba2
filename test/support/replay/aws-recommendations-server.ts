import { checkCeBody } from "../aws-ce-model.js";
import { type ReplayServer, sendJson, startReplayServer } from "./http-server.js";

/**
 * Cost Explorer's recommendation calls over the real protocol (awsJson1_1): `POST /` with
 * `x-amz-target: AWSInsightsIndexService.GetRightsizingRecommendation` or
 * `.GetSavingsPlansPurchaseRecommendation`, JSON in and out, errors as `{"__type", "Message"}` with
 * `x-amzn-errortype`.
 *
 * ../shared/data holds no recorded answer of either call (the aws-sdk package's examples file for
 * ce is empty), so the records below are reconstructed from the API reference
 * (docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_GetRightsizingRecommendation.html
 * and API_GetSavingsPlansPurchaseRecommendation.html). Every request and every answer is checked
 * against the published ce-2017-10-25 model in ../shared/data (test/support/aws-ce-model.ts): a
 * request that does not fit is answered 400 ValidationException and counted in `modelProblems`,
 * and so is an answer the server was about to send.
 *
 * Pages hold `PageSize` records capped at `maxPage`; the token is the next offset. `throttleFirst`
 * answers the first N calls 400 LimitExceededException, which the SDK retries.
 */
export const RIGHTSIZING = [
  {
    AccountId: "111111111111",
    CurrentInstance: {
      ResourceId: "i-0a1b2c3d4e5f60001",
      InstanceName: "api-1",
      Tags: [],
      ResourceDetails: { EC2ResourceDetails: { HourlyOnDemandRate: "0.384", InstanceType: "m5.2xlarge", Platform: "Linux/UNIX", Region: "US East (N. Virginia)", Vcpu: "8", Memory: "32 GiB" } },
      ResourceUtilization: { EC2ResourceUtilization: { MaxCpuUtilizationPercentage: "21", MaxMemoryUtilizationPercentage: "30", MaxStorageUtilizationPercentage: "0" } },
      OnDemandHoursInLookbackPeriod: "336",
      TotalRunningHoursInLookbackPeriod: "336",
      MonthlyCost: "280.32",
      CurrencyCode: "USD",
    },
    RightsizingType: "MODIFY",
    ModifyRecommendationDetail: {
      TargetInstances: [
        {
          EstimatedMonthlyCost: "140.16",
          EstimatedMonthlySavings: "140.16",
          CurrencyCode: "USD",
          DefaultTargetInstance: true,
          ResourceDetails: { EC2ResourceDetails: { InstanceType: "m5.xlarge", Vcpu: "4", Memory: "16 GiB" } },
          ExpectedResourceUtilization: { EC2ResourceUtilization: { MaxCpuUtilizationPercentage: "42" } },
          PlatformDifferences: [],
        },
        {
          EstimatedMonthlyCost: "70.08",
          EstimatedMonthlySavings: "210.24",
          CurrencyCode: "USD",
          DefaultTargetInstance: false,
          ResourceDetails: { EC2ResourceDetails: { InstanceType: "m5.large" } },
          PlatformDifferences: [],
        },
      ],
    },
    FindingReasonCodes: ["CPU_OVER_PROVISIONED", "MEMORY_OVER_PROVISIONED"],
  },
  {
    AccountId: "111111111111",
    CurrentInstance: {
      ResourceId: "i-0a1b2c3d4e5f60002",
      ResourceDetails: { EC2ResourceDetails: { InstanceType: "t3.medium" } },
      ResourceUtilization: { EC2ResourceUtilization: { MaxCpuUtilizationPercentage: "0.4" } },
      MonthlyCost: "30.3680000000",
      CurrencyCode: "USD",
    },
    RightsizingType: "TERMINATE",
    TerminateRecommendationDetail: { EstimatedMonthlySavings: "30.3680000000", CurrencyCode: "USD" },
    FindingReasonCodes: ["CPU_OVER_PROVISIONED"],
  },
  {
    AccountId: "222222222222",
    CurrentInstance: {
      ResourceId: "i-0a1b2c3d4e5f60003",
      ResourceDetails: { EC2ResourceDetails: { InstanceType: "c5.4xlarge" } },
      ResourceUtilization: { EC2ResourceUtilization: { MaxCpuUtilizationPercentage: "12" } },
      MonthlyCost: "496.40",
      CurrencyCode: "USD",
    },
    RightsizingType: "MODIFY",
    ModifyRecommendationDetail: {
      TargetInstances: [{ EstimatedMonthlyCost: "248.20", EstimatedMonthlySavings: "248.20", CurrencyCode: "USD", DefaultTargetInstance: true, ResourceDetails: { EC2ResourceDetails: { InstanceType: "c5.2xlarge" } } }],
    },
    FindingReasonCodes: ["CPU_OVER_PROVISIONED"],
  },
  {
    // A finding without an estimate (the reference marks every member optional): nothing to act on.
    AccountId: "111111111111",
    CurrentInstance: { ResourceId: "i-0a1b2c3d4e5f60004", CurrencyCode: "USD" },
    RightsizingType: "MODIFY",
    ModifyRecommendationDetail: { TargetInstances: [] },
  },
];

export const SAVINGS_PLANS_DETAILS = [
  {
    SavingsPlansDetails: { OfferingId: "0f3a9c1e-0000-4000-8000-000000000001" },
    AccountId: "111111111111",
    UpfrontCost: "0",
    EstimatedROI: "24.61",
    CurrencyCode: "USD",
    EstimatedSPCost: "1022.4",
    EstimatedOnDemandCost: "120.5",
    EstimatedSavingsAmount: "251.6",
    EstimatedSavingsPercentage: "17.78",
    HourlyCommitmentToPurchase: "1.42",
    EstimatedAverageUtilization: "99.9",
    EstimatedMonthlySavingsAmount: "251.6000000000",
    CurrentMinimumHourlyOnDemandSpend: "1.50",
    CurrentMaximumHourlyOnDemandSpend: "2.80",
    CurrentAverageHourlyOnDemandSpend: "1.92",
    RecommendationDetailId: "6c4e1c4e-1111-4a2b-9c3d-000000000001",
  },
  {
    AccountId: "222222222222",
    CurrencyCode: "USD",
    HourlyCommitmentToPurchase: "0.35",
    EstimatedMonthlySavingsAmount: "44.1",
    RecommendationDetailId: "6c4e1c4e-1111-4a2b-9c3d-000000000002",
  },
];

export interface AwsRecommendationsServer extends ReplayServer {
  /** Operations answered 200, in order. */
  answered: string[];
  /** Requests or answers that did not fit the ce-2017-10-25 model. */
  modelProblems: string[];
}

function awsError(type: string, message: string) {
  return { __type: `com.amazonaws.awsinsightsindexservice#${type}`, Message: message };
}

export async function startAwsRecommendationsServer(opts: { maxPage?: number; throttleFirst?: number; rightsizing?: unknown[]; savingsPlans?: unknown[] } = {}): Promise<AwsRecommendationsServer> {
  const answered: string[] = [];
  const modelProblems: string[] = [];
  let throttle = opts.throttleFirst ?? 0;
  const rightsizing = opts.rightsizing ?? RIGHTSIZING;
  const details = opts.savingsPlans ?? SAVINGS_PLANS_DETAILS;
  const server = await startReplayServer((req, res) => {
    const reject = (type: string, status: number, message: string) => sendJson(res, status, awsError(type, message), { "x-amzn-errortype": type });
    if (!/^AWS4-HMAC-SHA256 Credential=\S+\/ce\/aws4_request/.test(String(req.headers.authorization ?? ""))) {
      return reject("UnrecognizedClientException", 400, "The security token included in the request is invalid.");
    }
    if (req.headers["content-type"] !== "application/x-amz-json-1.1") return reject("SerializationException", 400, "wrong content type");
    const operation = String(req.headers["x-amz-target"] ?? "").replace(/^AWSInsightsIndexService\./, "");
    const body = JSON.parse(req.body || "{}") as { PageSize?: number; NextPageToken?: string };
    const inputProblems = checkCeBody(operation, "input", body);
    if (inputProblems.length > 0) {
      modelProblems.push(...inputProblems.map((p) => `${operation} request ${p}`));
      return reject("ValidationException", 400, inputProblems.join("; "));
    }
    if (throttle > 0) {
      throttle--;
      return reject("LimitExceededException", 400, "Rate exceeded");
    }
    const size = Math.min(body.PageSize ?? 20, opts.maxPage ?? 20);
    const start = Number(body.NextPageToken ?? "0");
    const next = (total: number) => (start + size < total ? { NextPageToken: String(start + size) } : {});
    let answer: unknown;
    if (operation === "GetRightsizingRecommendation") {
      answer = {
        Metadata: { RecommendationId: "0f6d9b7e-aaaa-4bbb-8ccc-000000000001", GenerationTimestamp: "2026-12-04T03:12:00Z", LookbackPeriodInDays: "FOURTEEN_DAYS" },
        Summary: { TotalRecommendationCount: String(rightsizing.length), EstimatedTotalMonthlySavingsAmount: "418.728", SavingsCurrencyCode: "USD", SavingsPercentage: "52" },
        RightsizingRecommendations: rightsizing.slice(start, start + size),
        Configuration: { RecommendationTarget: "SAME_INSTANCE_FAMILY", BenefitsConsidered: true },
        ...next(rightsizing.length),
      };
    } else if (operation === "GetSavingsPlansPurchaseRecommendation") {
      answer = {
        Metadata: { RecommendationId: "7d1e2f3a-bbbb-4ccc-8ddd-000000000002", GenerationTimestamp: "2026-12-04T03:12:00Z" },
        SavingsPlansPurchaseRecommendation: {
          AccountScope: "PAYER",
          SavingsPlansType: "COMPUTE_SP",
          TermInYears: "ONE_YEAR",
          PaymentOption: "NO_UPFRONT",
          LookbackPeriodInDays: "THIRTY_DAYS",
          SavingsPlansPurchaseRecommendationDetails: details.slice(start, start + size),
          SavingsPlansPurchaseRecommendationSummary: { CurrencyCode: "USD", TotalRecommendationCount: String(details.length) },
        },
        ...next(details.length),
      };
    } else {
      return reject("UnknownOperationException", 400, operation);
    }
    const outputProblems = checkCeBody(operation, "output", answer);
    if (outputProblems.length > 0) {
      modelProblems.push(...outputProblems.map((p) => `${operation} answer ${p}`));
      return sendJson(res, 500, awsError("InternalServerError", outputProblems.join("; ")));
    }
    answered.push(operation);
    return sendJson(res, 200, answer, { "content-type": "application/x-amz-json-1.1" });
  });
  return Object.assign(server, { answered, modelProblems });
}
