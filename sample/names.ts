/** Word lists for synthetic people and companies. All invented; none refer to real persons. */

export const FIRST_NAMES = [
  "Adele", "Alex", "Allan", "Ana", "Ben", "Bianca", "Carlos", "Chen", "Dana", "Diego", "Elena", "Emeka",
  "Farah", "Felix", "Grace", "Hana", "Ivan", "Isla", "Jamal", "Joni", "Kai", "Keiko", "Lars", "Lidia",
  "Lynne", "Maya", "Megan", "Miguel", "Nadia", "Nestor", "Olga", "Omar", "Patti", "Priya", "Quinn", "Raj",
  "Rosa", "Sam", "Sofia", "Tariq", "Tomas", "Uma", "Victor", "Wei", "Xavier", "Yara", "Yusuf", "Zoe",
];

export const LAST_NAMES = [
  "Adams", "Bowen", "Chandra", "Diaz", "Eriksen", "Fernandez", "Garcia", "Holloway", "Ito", "Johnson",
  "Kowalski", "Lee", "Mendes", "Nakamura", "Okafor", "Patel", "Quist", "Robbins", "Sherman", "Tanaka",
  "Ueda", "Vance", "Wilber", "Xu", "Young", "Zhang", "O'Brien", "Van der Berg", "Smith", "Novak",
];

export const COMPANY_WORDS = [
  "Fabrikam", "Northwind", "Tailspin", "Adventure", "Litware", "Proseware", "Wingtip", "Woodgrove",
  "Alpine", "Bluebird", "Coho", "Datum", "Fourth", "Graphic", "Humongous", "Lucerne", "Margie", "Nod",
  "Relecloud", "Southridge", "Trey", "VanArsdel", "Wide", "Blue Yonder", "Consolidated", "Fineart",
];

export const COMPANY_SUFFIXES = ["Inc.", "Group", "Industries", "Holdings", "Labs", "Partners", "Systems", "Traders"];

export const INDUSTRIES = [
  "Manufacturing", "Financial Services", "Healthcare", "Retail", "Energy", "Public Sector",
  "Professional Services", "Transportation", "Telecommunications", "Education",
];

export const SELLER_TITLES = ["Account Executive", "Senior Account Executive", "Account Manager", "Solution Specialist", "Sales Director"];
export const STAFF_TITLES = ["Software Engineer", "HR Generalist", "Finance Analyst", "Product Manager", "Legal Counsel", "Support Engineer", "Marketing Manager"];

/** CEO spellings a title normaliser must recognise. */
export const CEO_TITLES = ["Chief Executive Officer", "CEO", "ceo", "Chief Executive Officer (CEO)", "CHIEF EXECUTIVE OFFICER", "President & CEO"];
/** Other senior titles, with casing and punctuation variations. */
export const EXEC_TITLES = [
  "VP Sales", "Vice President, Sales", "vp sales", "Chief Financial Officer", "CFO", "Director of IT",
  "IT DIRECTOR", "Chief Technology Officer", "Procurement Manager", "Head of Procurement",
];
export const STAFF_CONTACT_TITLES = [
  "Buyer", "Project Manager", "Operations Manager", "Analyst", "Engineer", "Marketing Specialist",
  "Category Manager", "IT Administrator", "Office Manager", "Supply Chain Lead",
];

export const MAIL_TOPICS = [
  "Proposal", "Pricing update", "Renewal", "Quarterly review", "Contract draft", "Follow-up from our call",
  "Pilot results", "Security questionnaire", "Invoice", "Next steps", "Roadmap briefing", "Order confirmation",
];
export const INTERNAL_TOPICS = [
  "Pipeline review", "Forecast", "Team sync", "Deal desk", "Travel plans", "Hiring", "Customer escalation",
  "Enablement session", "Expense report", "Board deck",
];
export const MEETING_TOPICS = [
  "Discovery call", "Solution demo", "Proposal review", "Quarterly Business Review", "Contract negotiation",
  "Executive briefing", "Technical deep dive", "Kick-off", "Renewal planning", "Workshop",
];

export const UNKNOWN_SENDERS = [
  { name: "Industry News", address: "noreply@news.example.org" },
  { name: "CloudHost Billing", address: "billing@cloudhost.example.com" },
  { name: "Conference Hub", address: "events@conference-hub.example.net" },
  { name: "SaaS Vendor Updates", address: "updates@saas-vendor.example.io" },
  { name: "Jordan Freelancer", address: "jordan.freelance@gmail.example.com" },
  { name: "Recruiting Agency", address: "talent@recruit-partners.example.biz" },
];

export const OFFICES = [
  "Contoso HQ - Conference Room Adams", "Contoso HQ - Board Room", "Contoso London - Thames Room",
  "Contoso Munich - Raum Isar", "Contoso Tokyo - Sakura", "Contoso Sydney - Harbour Room",
];

/** Windows time-zone names used in start.timeZone, and the IANA zone each one maps to. */
export const WINDOWS_ZONES: Record<string, string> = {
  "Pacific Standard Time": "America/Los_Angeles",
  "Eastern Standard Time": "America/New_York",
  "GMT Standard Time": "Europe/London",
  "W. Europe Standard Time": "Europe/Berlin",
  "India Standard Time": "Asia/Kolkata",
  "Tokyo Standard Time": "Asia/Tokyo",
  "AUS Eastern Standard Time": "Australia/Sydney",
};
export const ZONE_NAMES = Object.keys(WINDOWS_ZONES);
