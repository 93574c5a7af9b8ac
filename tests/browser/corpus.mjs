// A generated partner-playbook site of any size, for the browser suite:
// deterministic, every record field used, Markdown with links between
// partners and playbooks, and no warnings.

import fs from "node:fs";
import path from "node:path";

const FIRST = ["Alder", "Basalt", "Cedar", "Delta", "Ember", "Fjord", "Granite", "Harbor", "Iris", "Juniper",
  "Kestrel", "Lumen", "Maple", "Nimbus", "Onyx", "Pinnacle", "Quarry", "Rowan", "Summit", "Tidewater"];
const SECOND = ["Analytics", "Consulting", "Distribution", "Networks", "Software", "Services", "Systems", "Labs", "Partners", "Advisory"];
const TYPES = ["reseller", "systems-integrator", "consultancy", "isv", "mssp", "distributor"];
const REGIONS = ["EMEA", "North America", "APAC", "LATAM", "Nordics", "DACH"];
const TAGS = ["compliance", "audit", "cloud", "outsourcing", "security", "procurement", "education", "public-sector",
  "healthcare", "finance", "managed-services", "retail", "logistics", "energy"];
const OWNERS = ["Ingrid Okafor", "Ravi Chandrasekar", "Marta Jensen", "Tomás Herrera", "Keiko Arai", "Sam O'Neill"];
const STATUSES = ["prospect", "active", "active", "active", "paused", "ended"];
const SCENARIOS = ["channel-reach", "combined-offering", "trusted-relationship"];
const OBJECTIVES = ["market-share", "market-access", "faster-sales", "value-chain-power"];
const GAINS = [
  "a renewal conversation it can open with a finding instead of a discount",
  "a billable service line with a margin on every managed seat",
  "fewer service credits after vendor audits, because gaps are found first",
  "a reason to meet every customer's finance team twice a year",
  "an offering its competitors cannot match without a year of development",
  "shorter sales cycles, since the compliance question is answered in the proposal",
];

// what each partner specialises in: 37 trades, so a handful of partners
// share each, the way a real portfolio has a few partners per niche
const NICHES = ["aerospace", "breweries", "cartography", "dentistry", "elevators", "fisheries", "glassworks",
  "hospices", "irrigation", "jewellers", "kindergartens", "laboratories", "maritime", "newsrooms", "orchards",
  "pharmacies", "quarries", "railways", "shipyards", "textiles", "universities", "vineyards", "warehousing",
  "zoos", "bakeries", "cinemas", "dairies", "foundries", "greenhouses", "hotels", "insurers", "locksmiths",
  "museums", "nurseries", "opticians", "printers", "stadiums"];

const pick = (list, i) => list[i % list.length];
const quote = (s) => JSON.stringify(s);

export function slugOf(i) {
  return `${pick(FIRST, i).toLowerCase()}-${pick(SECOND, Math.floor(i / FIRST.length)).toLowerCase()}-${String(i).padStart(4, "0")}`;
}

export function nameOf(i) {
  return `${pick(FIRST, i)} ${pick(SECOND, Math.floor(i / FIRST.length))} ${i}`;
}

function tierOf(i) {
  return i % 10 === 0 ? "strategic" : i % 3 === 0 ? "tactical" : "casual";
}

function record(i, n, playbooks) {
  const name = nameOf(i);
  const other = slugOf((i * 7 + 3) % n);
  const tags = [pick(TAGS, i), pick(TAGS, i + 5), pick(TAGS, i * 3 + 1)].filter((t, k, a) => a.indexOf(t) === k);
  const people = ["Avery", "Blake", "Casey", "Devon"].map((p, k) => `${p} ${pick(FIRST, i + k)}`);
  return `name: ${quote(name)}
tier: ${tierOf(i)}
type: ${pick(TYPES, i)}
status: ${pick(STATUSES, i)}
owner: ${quote(pick(OWNERS, i))}
region: ${quote(pick(REGIONS, i))}
tags: [${tags.join(", ")}]
summary: ${quote(`${name} brings license compliance to ${pick(TAGS, i)} customers in ${pick(REGIONS, i)}.`)}
proposition:
  we_do: |
    We find every installed product and cloud subscription and match it
    against what the customer bought, vendor by vendor.
  they_do: |
    ${name} runs ${pick(TAGS, i + 2)} projects for about ${40 + (i % 60)} customers and
    reviews their software spend every year.
  together: |
    A **compliance review** inside ${name}'s yearly review, built on our data:

    - one finding report per customer;
    - a fixed price per review, quoted in every renewal.
  partner_benefit: |
    ${name} gains ${pick(GAINS, i)} from its ${pick(NICHES, i)} customers, and ${pick(GAINS, i + 2)}.
    See how [${nameOf((i * 7 + 3) % n)}](@/partners/${other}) works the same way.
  customer_benefit: >-
    Customers can answer a vendor auditor with a current position on request.
  our_benefit: >-
    Every review ${name} sells puts our inventory in front of a customer
    who already trusts the reviewer.
  pain_point: >-
    Audits arrive with a month's notice and nobody owns the answer.
scenario: ${pick(SCENARIOS, i)}
objectives: [${pick(OBJECTIVES, i)}, ${pick(OBJECTIVES, i + 1)}]
partner_objectives: [${pick(OBJECTIVES, i + 2)}]
target_market: ${quote(`${pick(TAGS, i)} firms in ${pick(REGIONS, i)} with 500 to 5,000 employees`)}
revenue_goal: ${quote(`EUR ${(i % 9) + 1}00k ARR by the end of 2027`)}
commitments:
  ours: [Partner engineer at 20%, Two training sessions a year]
  theirs: [A named offering owner, Review included in every renewal proposal]
rules_of_engagement:
  lead_sharing: Leads in the joint market go to ${quote(name).slice(1, -1)} within two business days.
worksheet:
  product_strategy: Fits the plan for the [service-provider edition](@/playbooks/${playbooks[i % playbooks.length]}).
  their_business: Margins are thin and renewals are contested on price.
  open_questions: [Who pays for the first review?]
  next_steps: [Agree the review price by March]
influence_map:
  - name: ${people[0]}
    title: Managing Director
    influence: high
    attitude: positive
    style: Decides fast once she sees revenue per customer.
    relationships: [${people[1]}]
  - name: ${people[1]}
    title: Head of Delivery
    influence: medium
    attitude: neutral
    relationships: [${people[0]}, ${people[2]}]
  - name: ${people[2]}
    title: Procurement Lead
    influence: low
    attitude: negative
  - name: ${people[3]}
    title: Finance Controller
    influence: medium
review:
  last: 2026-11-01
  every_days: 365
plan:
  - step: Agree the review price and the first three customers
    owner: joint
    who: ${people[0]}
    due: 2026-10-01
    done: 2026-09-24
  - step: Run the first **compliance review** for a joint customer
    owner: theirs
    who: ${people[1]}
    due: 2027-09-30
    measure: One signed review report
  - step: Train ${quote(name).slice(1, -1)}'s reviewers on the finding report
    owner: ours
    due: 2028-03-31
`;
}

function playbook(j, n) {
  const tiers = ["strategic", "tactical", "casual"].filter((_, k) => (j + k) % 2 === 0);
  const named = [slugOf(j % n), slugOf((j * 11 + 1) % n)];
  return `---
title: ${quote(`Playbook ${j}: ${pick(TAGS, j)} reviews`)}
summary: ${quote(`How we run ${pick(TAGS, j)} reviews with partners, step by step.`)}
weight: ${j}
tiers: [${tiers.join(", ")}]
partners: [${named.join(", ")}]
---

## Before the review

Agree the scope with [${nameOf(j % n)}](@/partners/${named[0]}) first.

| Step | Who | When |
|---|---|---|
| Scope | account lead | week 1 |
| Findings | analyst | week 3 |

## After the review

- [ ] Send the findings
- [ ] Book the next review

See the [${tiers[0] || "casual"} tier](@/tiers/${tiers[0] || "casual"}).
`;
}

/** Writes a site of `n` partners and n/10 playbooks into `dir`. */
export function writeCorpus(dir, n, baseUrl) {
  const playbooks = Array.from({ length: Math.max(1, Math.floor(n / 10)) }, (_, j) => `guide-${j}`);
  fs.mkdirSync(path.join(dir, "content", "partners"), { recursive: true });
  fs.mkdirSync(path.join(dir, "content", "playbooks"), { recursive: true });
  fs.writeFileSync(
    path.join(dir, "partnerbook.yaml"),
    `title: Generated partner playbook\ndescription: ${n} generated partners for the browser suite.\n` +
      (baseUrl ? `base_url: ${baseUrl}\n` : "") +
      `tiers:\n  strategic:\n    max_partners: ${n}\n  tactical:\n    max_partners: ${n}\n`,
  );
  for (let i = 0; i < n; i++) {
    fs.writeFileSync(path.join(dir, "content", "partners", `${slugOf(i)}.yaml`), record(i, n, playbooks));
  }
  playbooks.forEach((p, j) => fs.writeFileSync(path.join(dir, "content", "playbooks", `${p}.md`), playbook(j, n)));
}
